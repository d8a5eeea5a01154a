using System.Collections.Concurrent;
using SftpKit.FileSystem;

namespace SftpKit.Accounts;

/// <summary>
/// Creates the storage for a <see cref="SftpFileSystemConfig"/> by provider name. Built in: <c>local</c> and
/// <c>memory</c>; storage packages add theirs (e.g. <c>s3</c>) with <c>TryAddEnumerable</c>.
/// </summary>
public interface ISftpStorageProvider
{
    /// <summary>The provider name matched against <see cref="SftpFileSystemConfig.Provider"/> (case-insensitive).</summary>
    string Name { get; }

    /// <summary>Creates (or returns a cached) file system for <paramref name="config"/> of <paramref name="account"/>.</summary>
    ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken);
}

/// <summary>
/// <c>local</c>: a <see cref="LocalFileSystem"/> rooted at <see cref="SftpFileSystemConfig.Root"/> (else the account's
/// home directory), created when missing if the pipeline says so (<c>SftpPolicyOptions.CreateHomeDirectories</c>). Settings:
/// <c>umask</c> (octal, 0 to 0777; default the server's <c>SftpPolicyOptions.Umask</c>, itself 022). New entries are
/// owned by the account's uid/gid when the server runs as root.
/// </summary>
internal sealed class LocalStorageProvider : ISftpStorageProvider
{
    /// <summary>The account setting that replaces the server's umask.</summary>
    public const string UmaskSetting = "umask";

    private readonly bool _createHomeDirectories;
    private readonly uint _umask;

    /// <param name="createHomeDirectories">Create a missing root on first use.</param>
    /// <param name="umask">The server's umask, used where the account has no <see cref="UmaskSetting"/>.</param>
    public LocalStorageProvider(bool createHomeDirectories, uint umask)
    {
        _createHomeDirectories = createHomeDirectories;
        _umask = umask;
    }

    public string Name => "local";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
        => ValueTask.FromResult<IVirtualFileSystem>(CreateLocal(config, account, _createHomeDirectories, _umask));

    /// <summary>Parses an octal umask (<c>022</c>, <c>0022</c>, at most 4 digits, at most 0777).</summary>
    internal static bool TryParseUmask(string? text, out uint umask)
    {
        umask = 0;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 4)
        {
            return false;
        }
        foreach (char c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }
            umask = (umask * 8) + (uint)(c - '0');
        }
        return umask <= 0x1FF;
    }

    /// <summary>The local file system of <paramref name="config"/> (shared with the <c>crypt</c> provider).</summary>
    internal static LocalFileSystem CreateLocal(SftpFileSystemConfig config, SftpAccount account, bool createHomeDirectories, uint serverUmask)
    {
        string root = config.Root ?? account.HomeDirectory
            ?? throw new InvalidOperationException("The account has no home directory.");
        root = Path.GetFullPath(root);
        if (createHomeDirectories && !Directory.Exists(root))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(root);
            }
            else
            {
                Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var options = new LocalFileSystemOptions
        {
            RootPath = root,
            Uid = account.Uid is int uid and >= 0 ? (uint)uid : null,
            Gid = account.Gid is int gid and >= 0 ? (uint)gid : null,
        };
        options.Umask = !config.Settings.TryGetValue(UmaskSetting, out string? own) ? serverUmask
            : TryParseUmask(own, out uint mask) ? mask
            : throw new InvalidOperationException($"Storage setting {UmaskSetting} must be an octal mode from 0 to 0777, such as \"022\".");
        return new LocalFileSystem(options);
    }
}

/// <summary>
/// <c>memory</c>: an <see cref="InMemoryFileSystem"/> per <see cref="SftpFileSystemConfig.Root"/> name (else per
/// account), kept for the life of the process so an account finds its files again on the next login. Each tree holds
/// at most <see cref="CapacitySetting"/> bytes (setting <c>capacityBytes</c>; defaults to
/// <see cref="DefaultCapacityBytes"/>), so a client cannot grow the process without bound, e.g. with one WRITE at a
/// far offset; writes past it fail with "no space". The capacity is fixed when the tree is first created.
/// </summary>
internal sealed class MemoryStorageProvider : ISftpStorageProvider
{
    /// <summary>The setting that sets a tree's capacity in bytes.</summary>
    public const string CapacitySetting = "capacityBytes";

    /// <summary>Capacity of a tree without <see cref="CapacitySetting"/>: 256 MiB.</summary>
    public const long DefaultCapacityBytes = 256L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, InMemoryFileSystem> _trees = new(StringComparer.Ordinal);

    public string Name => "memory";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        long capacity = DefaultCapacityBytes;
        if (config.Settings.TryGetValue(CapacitySetting, out string? text)
            && (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out capacity) || capacity <= 0))
        {
            throw new InvalidOperationException($"Storage setting {CapacitySetting} must be a positive whole number of bytes.");
        }
        return ValueTask.FromResult<IVirtualFileSystem>(_trees.GetOrAdd(config.Root ?? account.UserName, static (_, c) => new InMemoryFileSystem(c), capacity));
    }
}
