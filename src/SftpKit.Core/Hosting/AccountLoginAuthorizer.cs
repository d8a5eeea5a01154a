using System.Net;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Networking;

namespace SftpKit.Hosting;

/// <summary>
/// The account rules a login must pass after its credentials were accepted, for every login whatever authenticated it
/// (the account store, in-memory users, a host's own authenticator): the account — the principal's
/// <see cref="SftpAccount"/> feature, else one made from the principal, merged with its groups
/// (<see cref="EffectiveAccountResolver"/>; a missing group refuses the login) — must be enabled and not expired, every method
/// of the login must be allowed (<see cref="SftpAccount.DeniedLoginMethods"/>), the client's address must pass
/// <see cref="SftpAccount.DeniedIPs"/> and <see cref="SftpAccount.AllowedIPs"/>, the protocol (SSH, or HTTP for the
/// web client) must not be in <see cref="SftpAccount.DeniedProtocols"/>, a login that used a password must not have an
/// expired one (<see cref="SftpAccount.PasswordExpirationDays"/>), the time (on the injected <see cref="TimeProvider"/>)
/// must fall in one of <see cref="SftpAccount.AccessTime"/>'s windows, and no event handler may veto the pre-login event. Refusals are logged with the reason (event 5010) and answered as access denied.
/// </summary>
internal sealed partial class AccountLoginAuthorizer : ISshLoginAuthorizer
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ISftpEventDispatcher? _events;
    private readonly EffectiveAccountResolver _accounts;

    public AccountLoginAuthorizer(ILogger<AccountLoginAuthorizer> logger, TimeProvider? time = null, ISftpEventDispatcher? events = null,
        EffectiveAccountResolver? accounts = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _events = events;
        _accounts = accounts ?? new EffectiveAccountResolver();
    }

    public async ValueTask<SshAuthFailureReason> AuthorizeAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(principal);
        // The effective account (the account merged with its groups) is computed here, once per login.
        var (effective, why) = await _accounts.ResolveAsync(principal, cancellationToken).ConfigureAwait(false);
        var account = effective ?? AccountFileSystemProvider.AccountOf(principal);
        why ??= Refusal(account, context);
        if (why is null && _events is not null)
        {
            var decision = await _events.RaisePreAsync(new SftpEvent
            {
                Kind = SftpEventKind.Login,
                // The web client's logins come through here too, with "HTTP" as their client version.
                Protocol = context.ClientVersion == SftpEventProtocol.Http ? SftpEventProtocol.Http : SftpEventProtocol.Ssh,
                UserName = account.UserName,
                RemoteAddress = context.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : context.RemoteEndPoint?.ToString(),
                ConnectionId = context.ConnectionId,
                SessionId = context.ConnectionId,
                Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["method"] = context.Method },
            }, cancellationToken).ConfigureAwait(false);
            why = decision.IsAllowed ? null : "refused by an event handler";
        }
        if (why is null)
        {
            return SshAuthFailureReason.None;
        }
        LogRefused(_logger, context.ConnectionId, account.UserName, why);
        return SshAuthFailureReason.AccessDenied;
    }

    /// <summary>Why an account that proved its credentials still may not log in, or null.</summary>
    private string? Refusal(SftpAccount account, SshAuthContext context)
    {
        if (!account.Enabled)
        {
            return "disabled";
        }
        if (account.ExpiresAt is { } expires && _time.GetUtcNow() >= expires)
        {
            return "expired";
        }
        if (context.PassedMethods.Append(context.Method).Any(m => account.DeniedLoginMethods.Contains(m, StringComparer.Ordinal)))
        {
            return "method denied";
        }
        string protocol = context.ClientVersion == SftpEventProtocol.Http ? SftpAccountLimits.ProtocolHttp : SftpAccountLimits.ProtocolSsh;
        if (account.DeniedProtocols.Contains(protocol, StringComparer.OrdinalIgnoreCase))
        {
            return "protocol denied";
        }
        var now = _time.GetUtcNow();
        if (context.PassedMethods.Append(context.Method).Contains(SftpAccountLimits.PasswordMethod, StringComparer.Ordinal)
            && SftpAccountLimits.IsPasswordExpired(account, now))
        {
            return "password expired";
        }
        return SftpAccountLimits.AccessTimeRefusal(account, now) ?? AddressRefusal(account, context.RemoteEndPoint);
    }

    /// <summary>
    /// Why the client's address may not log in, or null: denied networks first, then (when any are listed) allowed
    /// networks. An unknown address passes only when no list applies. A list with an unreadable entry refuses every
    /// address, as SFTPGo does, rather than dropping the entry and with it a denial.
    /// </summary>
    internal static string? AddressRefusal(SftpAccount account, EndPoint? remote)
    {
        if (account.DeniedIPs.Count == 0 && account.AllowedIPs.Count == 0)
        {
            return null;
        }
        if (!SftpNetworkList.TryParse(account.DeniedIPs, out var denied) || !SftpNetworkList.TryParse(account.AllowedIPs, out var allowed))
        {
            return "unreadable entry in AllowedIPs or DeniedIPs";
        }
        if (remote is not IPEndPoint { Address: var address } || denied.Contains(address) || (!allowed.IsEmpty && !allowed.Contains(address)))
        {
            return "source address denied";
        }
        return null;
    }

    [LoggerMessage(5010, LogLevel.Information, "Connection {ConnectionId} user {UserName} refused: {Reason}", EventName = "AccountRefused")]
    private static partial void LogRefused(ILogger logger, string connectionId, string userName, string reason);
}
