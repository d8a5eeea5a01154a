using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.FileSystem;
using SftpKit.Policies;
using SftpKit.Sftp;

namespace SftpKit.Hosting;

/// <summary>
/// The session pipeline, the default <see cref="ISftpFileSystemProvider"/> for every login whatever authenticated it:
/// account → storage → virtual folders → policies (permissions, file-name filters, quotas, upload size, bandwidth) →
/// file events. The account is the <see cref="SftpAccount"/> feature the authenticator attached (the account store's
/// authenticator, which also logs in-memory users, always does); a principal without one (a host's own authenticator, the test host)
/// runs under an account made from it — its user name, home directory and session limit, no permission or quota of
/// its own — so the server-wide policies (<see cref="SftpPolicyOptions"/>) and the event handlers still apply. Its
/// storage is the principal's <see cref="IVirtualFileSystem"/> feature when set, else local disk at its home
/// directory. Either is first merged with its groups (<see cref="EffectiveAccountResolver"/>, once per login).
/// Storage and policies are built once per connection and shared by its SFTP, SCP and command channels.
/// </summary>
internal sealed class AccountFileSystemProvider : ISftpFileSystemProvider
{
    private readonly SftpAccountFileSystems _storage;
    private readonly SftpPolicyOptions _options;
    private readonly SftpBandwidthLimiter _bandwidth;
    private readonly SftpQuotaLedger _ledger;
    private readonly ISftpEventDispatcher? _events;
    private readonly EffectiveAccountResolver _accounts;

    public AccountFileSystemProvider(SftpAccountFileSystems storage, IOptions<SftpPolicyOptions> options, SftpBandwidthLimiter bandwidth,
        SftpQuotaLedger ledger, ISftpEventDispatcher? events = null, EffectiveAccountResolver? accounts = null)
    {
        _storage = storage;
        _options = options.Value;
        _bandwidth = bandwidth;
        _ledger = ledger;
        _events = events;
        _accounts = accounts ?? new EffectiveAccountResolver();
    }

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) =>
        CreateAsync(principal, SftpEventProtocol.Sftp, null, null, ct);

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshChannelContext channel, string protocol, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        string? remote = channel.RemoteEndPoint is System.Net.IPEndPoint ip ? ip.Address.ToString() : channel.RemoteEndPoint?.ToString();
        return CreateAsync(channel.Principal, protocol, channel.ConnectionId, remote, ct, channel.Connection);
    }

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, string protocol, string? sessionId, string? remoteAddress,
        CancellationToken ct) => CreateAsync(principal, protocol, sessionId, remoteAddress, ct);

    /// <summary>The account a principal's sessions run under: the one attached, else one made from the principal.</summary>
    internal static SftpAccount AccountOf(SshPrincipal principal) =>
        principal.GetFeature<SftpAccount>()
        ?? new SftpAccount { UserName = principal.UserName, HomeDirectory = principal.HomeDirectory, MaxSessions = principal.MaxSessions };

    /// <summary>
    /// One policy layer per channel (it carries the channel's protocol for events) over storage and policies built
    /// once per connection.
    /// </summary>
    private async ValueTask<IVirtualFileSystem> CreateAsync(SshPrincipal principal, string protocol, string? connectionId, string? remote,
        CancellationToken ct, SftpKit.SftpConnection? connection = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var session = principal.GetFeature<SessionStorage>();
        if (session is null)
        {
            // Computed at login by the authorizer; here only for sessions opened without it (the web client's requests).
            var (account, refusal) = await _accounts.ResolveAsync(principal, ct).ConfigureAwait(false);
            if (account is null)
            {
                throw new UnauthorizedAccessException("The account's settings could not be resolved: " + refusal + ".");
            }
            var storage = await CreateStorageAsync(principal, account, ct).ConfigureAwait(false);
            var created = new SessionStorage(storage, new SftpAccountPolicy(account, _options, _bandwidth));
            session = principal.GetOrAddFeature(() => created);
        }
        var events = new PolicyEvents(_events, session.Policy.UserName, protocol, connectionId, remote, connection);
        return new PolicyFileSystem(session.Storage, session.Policy, _ledger, events);
    }

    /// <summary>
    /// The storage at <c>/</c> is the file system the authenticator attached, else the account's; the account's
    /// virtual folders are mounted over either.
    /// </summary>
    private ValueTask<IVirtualFileSystem> CreateStorageAsync(SshPrincipal principal, SftpAccount account, CancellationToken ct)
    {
        if (principal.GetFeature<IVirtualFileSystem>() is { } own)
        {
            return _storage.CreateAsync(account, ct, own);
        }
        if (principal.GetFeature<SftpAccount>() is null)
        {
            if (principal.Properties.ContainsKey("SftpKit.FileSystem"))
            {
                // The string key of earlier versions: say what replaced it rather than ignore it.
                throw new InvalidOperationException(
                    "SshPrincipal.Properties[\"SftpKit.FileSystem\"] is no longer read; attach the file system with principal.SetFeature<IVirtualFileSystem>(fs).");
            }
            if (string.IsNullOrEmpty(principal.HomeDirectory))
            {
                throw new InvalidOperationException("The user has neither a file system nor a home directory.");
            }
        }
        return _storage.CreateAsync(account, ct);
    }

    /// <summary>A connection's storage and policy (a principal feature, so all its channels share them).</summary>
    internal sealed record SessionStorage(IVirtualFileSystem Storage, SftpAccountPolicy Policy);
}
