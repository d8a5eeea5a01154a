using SftpKit.FileSystem;

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

    /// <summary>
    /// A virtual folder's own storage (for folder quota scans), built as for an account named after the folder with no
    /// home directory: local folders need <see cref="SftpFileSystemConfig.Root"/>.
    /// </summary>
    public ValueTask<IVirtualFileSystem> CreateFolderAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return CreateOneAsync(folder.FileSystem, new SftpAccount { UserName = folder.Name }, cancellationToken);
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
