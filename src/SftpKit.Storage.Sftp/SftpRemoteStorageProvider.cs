using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Storage.Sftp;

/// <summary>
/// The <c>sftp</c> storage provider: an account's (or virtual folder's) settings override the defaults bound from
/// <c>SftpKit:SftpStorage</c>, by <see cref="SftpRemoteOptions"/> property name (case-insensitive; lists
/// comma-separated); <see cref="SftpFileSystemConfig.Root"/> overrides <see cref="SftpRemoteOptions.BaseDirectory"/>.
/// One file system (and connection pool) per distinct set of settings is kept for the life of the process, shared by
/// that account's sessions; connections open on first use.
/// </summary>
internal sealed class SftpRemoteStorageProvider : ISftpStorageProvider, IDisposable
{
    private readonly IOptionsMonitor<SftpRemoteOptions> _defaults;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<string, Lazy<SftpRemoteFileSystem>> _systems = new(StringComparer.Ordinal);

    public SftpRemoteStorageProvider(IOptionsMonitor<SftpRemoteOptions> defaults, ILoggerFactory loggers)
    {
        _defaults = defaults;
        _loggers = loggers;
    }

    public string Name => "sftp";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = Resolve(_defaults.CurrentValue, config);
        var errors = options.Errors().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The account's SFTP storage is misconfigured: " + string.Join(" ", errors));
        }
        var fs = _systems.GetOrAdd(Fingerprint(options),
            _ => new Lazy<SftpRemoteFileSystem>(() => new SftpRemoteFileSystem(options, _loggers.CreateLogger<SftpRemoteFileSystem>()))).Value;
        return ValueTask.FromResult<IVirtualFileSystem>(fs);
    }

    public void Dispose()
    {
        foreach (var fs in _systems.Values.Where(f => f.IsValueCreated))
        {
            fs.Value.Dispose();
        }
    }

    /// <summary>A copy of <paramref name="defaults"/> with the account's settings and root over it.</summary>
    internal static SftpRemoteOptions Resolve(SftpRemoteOptions defaults, SftpFileSystemConfig config)
    {
        var options = defaults.Clone();
        foreach (var (key, value) in config.Settings)
        {
            switch (key.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant())
            {
                case "HOST": options.Host = value; break;
                case "PORT": options.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "USERNAME": options.UserName = value; break;
                case "PASSWORD": options.Password = value; break;
                case "PRIVATEKEY": options.PrivateKey = value; break;
                case "PRIVATEKEYPASSPHRASE": options.PrivateKeyPassphrase = value; break;
                case "HOSTKEYFINGERPRINTS" or "FINGERPRINTS":
                    options.HostKeyFingerprints = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                    break;
                case "BASEDIRECTORY" or "PREFIX": options.BaseDirectory = value; break;
                case "MAXCONNECTIONS": options.MaxConnections = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "REQUESTSIZE": options.RequestSize = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new InvalidOperationException($"Unknown SFTP storage setting '{key}'.");
            }
        }
        if (!string.IsNullOrEmpty(config.Root))
        {
            options.BaseDirectory = config.Root;
        }
        return options;
    }

    // Secrets enter the key only through a hash, so the dictionary never holds them in clear beyond the options.
    private static string Fingerprint(SftpRemoteOptions o)
    {
        string text = string.Join('\n', o.Host, o.Port, o.UserName, o.Password, o.PrivateKey, o.PrivateKeyPassphrase,
            string.Join(',', o.HostKeyFingerprints), o.BaseDirectory, o.MaxConnections, o.RequestSize,
            o.ConnectTimeout, o.OperationTimeout, o.KeepAliveInterval);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
