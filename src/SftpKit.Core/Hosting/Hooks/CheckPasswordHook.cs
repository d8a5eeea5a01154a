using System.Text.Json;
using System.Text.Json.Nodes;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// The check-password hook, SFTPGo's contract: an HTTP POST of <c>{username, password, ip, protocol}</c> or a program
/// with <c>SFTPGO_AUTHD_USERNAME</c>, <c>SFTPGO_AUTHD_PASSWORD</c>, <c>SFTPGO_AUTHD_IP</c> and
/// <c>SFTPGO_AUTHD_PROTOCOL</c>, answering <c>{"status": 0|1|2, "to_verify": "..."}</c>: 0 refused, 1 accepted, 2 check
/// <c>to_verify</c> against the stored password (e.g. the fixed part of password+one-time-code).
/// </summary>
internal sealed class CheckPasswordHook
{
    private readonly AuthHookRunner _runner;
    private readonly string _hook;
    private readonly int _scope;

    public CheckPasswordHook(AuthHookRunner runner, string hook, int scope)
    {
        _runner = runner;
        _hook = hook;
        _scope = scope;
    }

    /// <summary>Whether the hook applies to the login's protocol (scope 0 = all, bit 1 = SSH).</summary>
    public bool Applies(SshAuthContext context) => _scope == 0 || (HookLogin.Protocol(context) == "SSH" && (_scope & 1) != 0);

    /// <summary>The hook's status (0 on a non-200 answer) and <c>to_verify</c>.</summary>
    public async Task<(int Status, string ToVerify)> CheckAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["username"] = context.UserName,
            ["password"] = password,
            ["ip"] = HookLogin.Ip(context),
            ["protocol"] = HookLogin.Protocol(context),
        };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SFTPGO_AUTHD_USERNAME"] = context.UserName,
            ["SFTPGO_AUTHD_PASSWORD"] = password,
            ["SFTPGO_AUTHD_IP"] = HookLogin.Ip(context),
            ["SFTPGO_AUTHD_PROTOCOL"] = HookLogin.Protocol(context),
        };
        var answer = await _runner.CallAsync(_hook, body, null, environment, cancellationToken).ConfigureAwait(false);
        if (answer.Status != 200 || answer.IsEmpty)
        {
            return (0, string.Empty);
        }
        using var document = ExternalAuthHook.Parse(answer.Body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new HookFailedException("The check-password hook did not answer an object.");
        }
        int status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out int n) ? n : 0;
        string toVerify = root.TryGetProperty("to_verify", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
        return (status, toVerify);
    }
}
