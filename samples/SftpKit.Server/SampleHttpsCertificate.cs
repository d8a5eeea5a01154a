using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SftpKit.Server;

/// <summary>Configuration <c>SftpKit:Http:Certificate</c>: the admin API's HTTPS certificate.</summary>
internal sealed class SampleHttpCertificateOptions
{
    /// <summary>
    /// PEM certificate file (the first certificate is the server's; with certbot, <c>fullchain.pem</c>) or a PKCS#12
    /// file (<c>.pfx</c>/<c>.p12</c>). Relative to the config directory. Defaults to null: no certificate from here
    /// (Kestrel's own <c>Kestrel:Certificates:Default</c> still works).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>PEM private key file (<c>privkey.pem</c>); null = the key is in <see cref="Path"/>. Unused for PKCS#12.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key. Defaults to null (set it through the environment).</summary>
    public string? Password { get; set; }
}

/// <summary>
/// The HTTPS certificate, loaded at start (a failure stops the start) and again when its files change: a watcher on
/// each file's directory (not recursive, only those file names; symlink swaps as certbot makes them count) waits until
/// the files have been quiet for <see cref="Debounce"/> before reloading. A renewal whose files cannot be read yet (half
/// written) keeps the previous certificate and is retried on the next change and once after <see cref="RetryDelay"/>.
/// New TLS handshakes get the new certificate; open connections keep theirs.
/// </summary>
internal sealed class SampleHttpsCertificate : IDisposable
{
    /// <summary>Quiet time after the last file event before the certificate is reloaded: 1 second.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromSeconds(1);

    /// <summary>Delay of the one retry after a failed reload: 5 seconds.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly string _path;
    private readonly string? _keyPath;
    private readonly string? _password;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private bool _retried;

    public SampleHttpsCertificate(string path, string? keyPath, string? password, ILogger logger)
    {
        _path = path;
        _keyPath = keyPath;
        _password = password;
        _logger = logger;
        _current = Load();
        Log(_current);
        _timer = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        foreach (var group in new[] { _path, _keyPath }.OfType<string>().GroupBy(p => System.IO.Path.GetDirectoryName(p)!, StringComparer.Ordinal))
        {
            var names = group.Select(p => System.IO.Path.GetFileName(p)).ToHashSet(StringComparer.Ordinal);
            var watcher = new FileSystemWatcher(group.Key)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, e) => OnEvent(names, e.Name);
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, e) => { OnEvent(names, e.Name); OnEvent(names, e.OldName); };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    /// <summary>The certificate new handshakes present.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    private void OnEvent(HashSet<string> names, string? name)
    {
        if (name is not null && names.Contains(name))
        {
            _retried = false;
            _timer.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Reload()
    {
        lock (_lock)
        {
            X509Certificate2 loaded;
            try
            {
                loaded = Load();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                ServiceLog.CertificateReloadFailed(_logger, ex.GetType().Name + ": " + ex.Message);
                if (!_retried)
                {
                    _retried = true;
                    _timer.Change(RetryDelay, Timeout.InfiniteTimeSpan);
                }
                return;
            }
            if (loaded.RawDataMemory.Span.SequenceEqual(_current.RawDataMemory.Span))
            {
                loaded.Dispose();
                return;
            }
            // The previous certificate is not disposed: handshakes in flight may still hold it.
            Volatile.Write(ref _current, loaded);
            Log(loaded);
        }
    }

    private X509Certificate2 Load()
    {
        string extension = System.IO.Path.GetExtension(_path);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(_path, _password);
        }
        using var pem = _password is { Length: > 0 }
            ? X509Certificate2.CreateFromEncryptedPemFile(_path, _password, _keyPath)
            : X509Certificate2.CreateFromPemFile(_path, _keyPath);
        if (!pem.HasPrivateKey)
        {
            throw new ArgumentException($"{_path} has no private key (set SftpKit:Http:Certificate:KeyPath).");
        }
        // A PEM key is ephemeral; TLS on Windows needs a persisted one, so the pair goes through PKCS#12 once.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private void Log(X509Certificate2 certificate)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string fingerprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var notAfter = certificate.NotAfter.ToUniversalTime();
            ServiceLog.CertificateLoaded(_logger, certificate.Subject, certificate.SerialNumber, fingerprint, notAfter, _path);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
        _timer.Dispose();
    }
}
