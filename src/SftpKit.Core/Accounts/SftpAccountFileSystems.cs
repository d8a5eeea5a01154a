using Microsoft.Extensions.Options;
using SftpKit.Events;
using SftpKit.FileSystem;
using SftpKit.Policies;
using SftpKit.Sftp;

namespace SftpKit.Accounts;

/// <summary>
/// Builds an account's storage from its record: the root storage (<see cref="SftpAccount.FileSystem"/>, else local
/// disk at the home directory) with its <see cref="SftpAccount.VirtualFolders"/> mounted, before policies apply.
/// Used by logins and by quota scans.
/// </summary>
internal sealed class SftpAccountFileSystems
{
    private readonly Dictionary<string, ISftpStorageProvider> _providers;

    /// <summary>Creates the factory over the registered storage providers.</summary>
    public SftpAccountFileSystems(IEnumerable<ISftpStorageProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = new Dictionary<string, ISftpStorageProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            _providers[provider.Name] = provider;
        }
    }

    /// <summary>
    /// The account's storage, virtual folders mounted, without policies; <paramref name="root"/>, when given, is the
    /// storage at <c>/</c> instead of <see cref="SftpAccount.FileSystem"/> (a file system the authenticator attached).
    /// </summary>
    public async ValueTask<IVirtualFileSystem> CreateAsync(SftpAccount account, CancellationToken cancellationToken, IVirtualFileSystem? root = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        root ??= await CreateOneAsync(account.FileSystem ?? new SftpFileSystemConfig(), account, cancellationToken).ConfigureAwait(false);
        if (account.VirtualFolders.Count == 0)
        {
            return root;
        }
        var mounts = new List<VfsMount>();
        foreach (var folder in account.VirtualFolders)
        {
            var fs = await CreateOneAsync(folder.FileSystem, account, cancellationToken).ConfigureAwait(false);
            mounts.Add(new VfsMount(VirtualPath.Normalize(folder.VirtualPath), fs));
        }
        return new MountedFileSystem(root, mounts);
    }

    private ValueTask<IVirtualFileSystem> CreateOneAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        if (!_providers.TryGetValue(config.Provider, out var provider))
        {
            throw new InvalidOperationException($"No storage provider named '{config.Provider}' is registered.");
        }
        return provider.CreateAsync(config, account, cancellationToken);
    }
}

/// <summary>
/// The session pipeline, the default <see cref="ISftpFileSystemProvider"/> for every login whatever authenticated it:
/// account → storage → virtual folders → policies (permissions, file-name filters, quotas, upload size, bandwidth) →
/// file events. The account is the <see cref="SftpAccount"/> feature the authenticator attached (the account store's
/// authenticator always does); a principal without one (in-memory users, a host's own authenticator, the test host)
/// runs under an account made from it — its user name, home directory and session limit, no permission or quota of
/// its own — so the server-wide policies (<see cref="SftpPolicyOptions"/>) and the event handlers still apply. Its
/// storage is the principal's <see cref="IVirtualFileSystem"/> feature when set, else local disk at its home
/// directory. Storage and policies are built once per connection and shared by its SFTP, SCP and command channels.
/// </summary>
internal sealed class AccountFileSystemProvider : ISftpFileSystemProvider
{
    private readonly SftpAccountFileSystems _storage;
    private readonly SftpPolicyOptions _options;
    private readonly SftpBandwidthLimiter _bandwidth;
    private readonly SftpQuotaLedger _ledger;
    private readonly ISftpEventDispatcher? _events;

    public AccountFileSystemProvider(SftpAccountFileSystems storage, IOptions<SftpPolicyOptions> options, SftpBandwidthLimiter bandwidth,
        SftpQuotaLedger ledger, ISftpEventDispatcher? events = null)
    {
        _storage = storage;
        _options = options.Value;
        _bandwidth = bandwidth;
        _ledger = ledger;
        _events = events;
    }

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) =>
        CreateAsync(principal, SftpEventProtocol.Sftp, null, null, ct);

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshChannelContext channel, string protocol, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        string? remote = channel.RemoteEndPoint is System.Net.IPEndPoint ip ? ip.Address.ToString() : channel.RemoteEndPoint?.ToString();
        return CreateAsync(channel.Principal, protocol, channel.ConnectionId, remote, ct, channel.Connection);
    }

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
            var account = AccountOf(principal);
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

/// <summary>
/// Reads and recomputes quota usage. A scan walks the account's storage (regular files only), keeps the files of
/// virtual folders with their own quota apart, and stores the result with <see cref="ISftpQuotaStore.SetAsync"/>.
/// Uploads running during a scan may make it off by their size until the next scan.
/// </summary>
public sealed class SftpQuotaManager
{
    private readonly ISftpUserStore _users;
    private readonly ISftpQuotaStore _quotas;
    private readonly SftpAccountFileSystems _storage;
    private readonly SftpPolicyOptions _options;

    /// <summary>This instance's live ledger: a scan replaces the changes it still holds for retry.</summary>
    internal Policies.SftpQuotaLedger? Ledger { get; init; }

    /// <summary>Creates the manager.</summary>
    internal SftpQuotaManager(ISftpUserStore users, ISftpQuotaStore quotas, SftpAccountFileSystems storage, IOptions<SftpPolicyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = users;
        _quotas = quotas;
        _storage = storage;
        _options = options.Value;
    }

    /// <summary>The stored usage of an account (files in its own-quota folders excluded).</summary>
    public ValueTask<SftpQuotaUsage> GetUsageAsync(string userName, CancellationToken cancellationToken) =>
        _quotas.GetAsync(SftpQuotaOwner.User(userName), cancellationToken);

    /// <summary>Recomputes and stores the usage of an account and of its own-quota folders; null when the account does not exist.</summary>
    public async ValueTask<SftpQuotaUsage?> ScanAsync(string userName, CancellationToken cancellationToken)
    {
        var account = await _users.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return null;
        }
        var fs = await _storage.CreateAsync(account, cancellationToken).ConfigureAwait(false);
        var total = await SftpQuotaScanner.MeasureAsync(fs, VirtualPath.Root, _options.MaxScanEntries, cancellationToken).ConfigureAwait(false);
        long size = total.Size, files = total.Files;
        foreach (var folder in account.VirtualFolders.Where(f => f.HasOwnQuota))
        {
            var usage = await SftpQuotaScanner.MeasureAsync(fs, VirtualPath.Normalize(folder.VirtualPath), _options.MaxScanEntries, cancellationToken).ConfigureAwait(false);
            await _quotas.SetAsync(SftpQuotaOwner.Folder(folder.Name), usage, cancellationToken).ConfigureAwait(false);
            Ledger?.ForgetUnsaved(SftpQuotaOwner.Folder(folder.Name));
            size -= usage.Size;
            files -= usage.Files;
        }
        var own = new SftpQuotaUsage(Math.Max(0, size), Math.Max(0, files));
        await _quotas.SetAsync(SftpQuotaOwner.User(userName), own, cancellationToken).ConfigureAwait(false);
        Ledger?.ForgetUnsaved(SftpQuotaOwner.User(userName));
        return own;
    }
}
