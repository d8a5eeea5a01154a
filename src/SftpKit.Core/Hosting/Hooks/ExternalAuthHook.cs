using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;

namespace SftpKit.Hosting.Hooks;

/// <summary>What the external auth hook answered.</summary>
internal enum ExternalAuthOutcome
{
    /// <summary>Refused: a user with an empty name, a non-200 status, a program's non-zero exit, or a failure.</summary>
    Refused,

    /// <summary>An empty answer: accepted, and the stored account (which must exist and match) decides.</summary>
    UseStored,

    /// <summary>A user object: accepted as that account.</summary>
    Accepted,
}

/// <summary>
/// The external auth hook, SFTPGo's contract: an HTTP POST of <c>{username, ip, user, protocol, password,
/// public_key, keyboard_interactive, tls_cert}</c>, or a program with <c>SFTPGO_AUTHD_USERNAME</c>,
/// <c>SFTPGO_AUTHD_USER</c>, <c>SFTPGO_AUTHD_IP</c>, <c>SFTPGO_AUTHD_PROTOCOL</c>, <c>SFTPGO_AUTHD_PASSWORD</c>,
/// <c>SFTPGO_AUTHD_PUBLIC_KEY</c>, <c>SFTPGO_AUTHD_KEYBOARD_INTERACTIVE</c> and <c>SFTPGO_AUTHD_TLS_CERT</c>; it
/// answers a user object (<see cref="SftpGoUserJson"/>), nothing, or a refusal.
/// </summary>
internal sealed class ExternalAuthHook
{
    /// <summary>The format's scope bits.</summary>
    public const int ScopePassword = 1, ScopePublicKey = 2, ScopeKeyboardInteractive = 4;

    private readonly AuthHookRunner _runner;
    private readonly string _hook;
    private readonly int _scope;

    public ExternalAuthHook(AuthHookRunner runner, string hook, int scope)
    {
        _runner = runner;
        _hook = hook;
        _scope = scope;
    }

    /// <summary>Whether the hook decides logins with <paramref name="scopeBit"/>'s method.</summary>
    public bool Handles(int scopeBit) => _scope == 0 || (_scope & scopeBit) != 0;

    /// <summary>Asks the hook; <paramref name="field"/> is <c>password</c>, <c>public_key</c> or <c>keyboard_interactive</c>.</summary>
    /// <returns>The outcome, the account of an accepted answer, and the answer's own cache time in seconds (0 = none).</returns>
    public async Task<(ExternalAuthOutcome Outcome, SftpAccount? Account, int CacheSeconds)> AskAsync(SshAuthContext context, SftpAccount? stored,
        string field, string value, CancellationToken cancellationToken)
    {
        var user = stored is null ? null : SftpGoUserJson.FromAccount(stored, includePasswordHash: true);
        var body = new JsonObject
        {
            ["username"] = context.UserName,
            ["ip"] = HookLogin.Ip(context),
            ["protocol"] = HookLogin.Protocol(context),
            ["password"] = field == "password" ? value : string.Empty,
            ["public_key"] = field == "public_key" ? value : string.Empty,
            ["keyboard_interactive"] = field == "keyboard_interactive" ? value : string.Empty,
            ["tls_cert"] = string.Empty,
        };
        if (user is not null)
        {
            body["user"] = user;
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SFTPGO_AUTHD_USERNAME"] = context.UserName,
            ["SFTPGO_AUTHD_USER"] = user?.ToJsonString() ?? string.Empty,
            ["SFTPGO_AUTHD_IP"] = HookLogin.Ip(context),
            ["SFTPGO_AUTHD_PROTOCOL"] = HookLogin.Protocol(context),
            ["SFTPGO_AUTHD_PASSWORD"] = field == "password" ? value : string.Empty,
            ["SFTPGO_AUTHD_PUBLIC_KEY"] = field == "public_key" ? value : string.Empty,
            ["SFTPGO_AUTHD_KEYBOARD_INTERACTIVE"] = field == "keyboard_interactive" ? value : string.Empty,
            ["SFTPGO_AUTHD_TLS_CERT"] = string.Empty,
        };
        var answer = await _runner.CallAsync(_hook, body, null, environment, cancellationToken).ConfigureAwait(false);
        if (answer.Status != 200)
        {
            return (ExternalAuthOutcome.Refused, null, 0);
        }
        if (answer.IsEmpty)
        {
            return (ExternalAuthOutcome.UseStored, null, 0);
        }
        using var document = Parse(answer.Body);
        var account = SftpGoUserJson.ToAccount(document.RootElement);
        if (account.UserName.Length == 0)
        {
            return (ExternalAuthOutcome.Refused, null, 0);
        }
        if (!string.Equals(account.UserName, context.UserName, StringComparison.Ordinal))
        {
            throw new HookFailedException("The hook answered a user with another name.");
        }
        int cache = document.RootElement.TryGetProperty("external_auth_cache_time", out var seconds) && seconds.ValueKind == JsonValueKind.Number
            && seconds.TryGetInt32(out int s) ? Math.Max(0, s) : 0;
        return (ExternalAuthOutcome.Accepted, account, cache);
    }

    /// <summary>Parses a hook's JSON answer.</summary>
    /// <exception cref="HookFailedException">Not JSON.</exception>
    public static JsonDocument Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new HookFailedException("The hook answered something that is not JSON.", e);
        }
    }
}
