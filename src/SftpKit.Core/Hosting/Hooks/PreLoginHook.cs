using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// The pre-login hook, SFTPGo's contract: an HTTP POST of the stored user (or one with <c>id</c> 0 when there is none)
/// to <c>URL?login_method=M&amp;ip=A&amp;protocol=P</c>, answered 204 (no change) or 200 with a user object; or a
/// program with <c>SFTPGO_LOGIND_USER</c>, <c>SFTPGO_LOGIND_METHOD</c>, <c>SFTPGO_LOGIND_IP</c> and
/// <c>SFTPGO_LOGIND_PROTOCOL</c> writing nothing (no change) or a user object. A returned user is created or replaced
/// in the account store before the credentials are checked; any other answer denies the login.
/// </summary>
internal sealed class PreLoginHook
{
    private readonly AuthHookRunner _runner;
    private readonly string _hook;
    private readonly ISftpUserStore _store;

    public PreLoginHook(AuthHookRunner runner, string hook, ISftpUserStore store)
    {
        _runner = runner;
        _hook = hook;
        _store = store;
    }

    /// <summary>Runs the hook; false when the login must be denied.</summary>
    public async Task<bool> RunAsync(SshAuthContext context, string method, CancellationToken cancellationToken)
    {
        var stored = await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
        JsonObject user = stored is null ? SftpGoUserJson.Missing(context.UserName) : SftpGoUserJson.FromAccount(stored, includePasswordHash: true);
        string ip = HookLogin.Ip(context);
        string protocol = HookLogin.Protocol(context);
        string query = $"?login_method={Uri.EscapeDataString(method)}&ip={Uri.EscapeDataString(ip)}&protocol={Uri.EscapeDataString(protocol)}";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SFTPGO_LOGIND_USER"] = user.ToJsonString(),
            ["SFTPGO_LOGIND_METHOD"] = method,
            ["SFTPGO_LOGIND_IP"] = ip,
            ["SFTPGO_LOGIND_PROTOCOL"] = protocol,
        };
        var answer = await _runner.CallAsync(_hook, user, query, environment, cancellationToken).ConfigureAwait(false);
        if (answer.Status == 204 || (answer.Status == 200 && answer.IsEmpty))
        {
            return true;
        }
        if (answer.Status != 200)
        {
            return false;
        }
        var account = SftpGoUserJson.ToAccount(answer.Body);
        if (!string.Equals(account.UserName, context.UserName, StringComparison.Ordinal))
        {
            throw new HookFailedException("The pre-login hook answered a user with another name.");
        }
        await HookLogin.SaveAsync(_store, account, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
