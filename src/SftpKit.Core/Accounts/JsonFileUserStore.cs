using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace SftpKit.Accounts;

/// <summary>
/// Accounts kept in one JSON file (<c>{"users": [ ... ]}</c>, the <see cref="SftpAccount"/> shape in camelCase) for
/// the sample server and small installations. Changes made through the store are written atomically (a temporary
/// file in the same directory, flushed, then renamed over the old one); edits made to the file by hand are picked up
/// within <see cref="ReloadInterval"/> (default 2 s) or at once through a file watcher. A file that fails to parse
/// is logged and the previous accounts stay in force. Quota usage is kept in memory (use the SQL store to persist it).
/// </summary>
public sealed partial class JsonFileUserStore : ISftpUserStore, ISftpQuotaStore, IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly InMemoryUserStore _inner = new();
    private readonly ISftpSecretProtector? _protector;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _timer;
    private DateTime _loadedStamp;
    private long _loadedLength = -1;
    private byte[]? _loadedDigest;

    /// <summary>Opens (or creates, empty) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The account file (created empty when missing).</param>
    /// <param name="logger">Reload log lines; none when null.</param>
    /// <param name="secretProtector">
    /// When set, secret storage settings are written protected (<c>$aes$…</c>) and decrypted on load; plain values in
    /// the file keep working and are protected at the next save. Defaults to null: stored as given.
    /// </param>
    public JsonFileUserStore(string path, ILogger<JsonFileUserStore>? logger = null, ISftpSecretProtector? secretProtector = null)
    {
        _protector = secretProtector;
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        string directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        if (!File.Exists(_path))
        {
            WriteFile([]);
        }
        Reload(force: true);
        try
        {
            _watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            };
            _watcher.Changed += (_, _) => Reload(force: false);
            _watcher.Created += (_, _) => Reload(force: false);
            _watcher.Renamed += (_, _) => Reload(force: false);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
        {
            _watcher = null; // polling below still picks up changes
        }
        _timer = new Timer(static s => ((JsonFileUserStore)s!).Reload(force: false), this, ReloadInterval, ReloadInterval);
    }

    /// <summary>How often the file is checked for outside edits. 2 seconds.</summary>
    public static TimeSpan ReloadInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest account file read, in bytes: 64 MiB.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Raised after accounts change (through the store or by a reload), with the user name.</summary>
    public event Action<string>? Changed
    {
        add => _inner.Changed += value;
        remove => _inner.Changed -= value;
    }

    /// <inheritdoc/>
    public ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken) => _inner.FindAsync(userName, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpAccount> ListAsync(CancellationToken cancellationToken) => _inner.ListAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.CreateAsync(account, cancellationToken).ConfigureAwait(false);
            Save();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken) =>
        MutateAsync(ct => _inner.UpdateAsync(account, ct), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) =>
        MutateAsync(ct => _inner.DeleteAsync(userName, ct), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken) =>
        await MutateAsync(async ct =>
        {
            await _inner.UpdatePasswordHashAsync(userName, expectedOldHash, newHash, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>Kept in memory only, so logins do not rewrite the file.</remarks>
    public ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken) =>
        _inner.RecordLoginAsync(userName, time, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken) => _inner.GetAsync(owner, cancellationToken);

    /// <inheritdoc/>
    public ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken) =>
        _inner.AddAsync(owner, sizeDelta, filesDelta, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken) =>
        _inner.SetAsync(owner, usage, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _watcher?.Dispose();
        _timer.Dispose();
        _writeLock.Dispose();
    }

    private async ValueTask<bool> MutateAsync(Func<CancellationToken, ValueTask<bool>> change, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool changed = await change(cancellationToken).ConfigureAwait(false);
            if (changed)
            {
                Save();
            }
            return changed;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Save()
    {
        var accounts = _inner.Snapshot();
        if (_protector is not null)
        {
            foreach (var account in accounts)
            {
                SftpAccountSecrets.Protect(account, _protector);
            }
        }
        WriteFile(accounts);
        _loadedDigest = SHA256.HashData(File.ReadAllBytes(_path));
        var info = new FileInfo(_path);
        _loadedStamp = info.LastWriteTimeUtc;
        _loadedLength = info.Length;
    }

    private void WriteFile(IReadOnlyList<SftpAccount> accounts)
    {
        string temp = _path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, new UserFile { Users = accounts.ToList() }, s_json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private void Reload(bool force)
    {
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists)
            {
                return;
            }
            // File times can be coarse (a few ms), so an edit right after a save may keep time and length: only
            // an entry that has been stable for a while is trusted unchanged without comparing content.
            if (!force && info.LastWriteTimeUtc == _loadedStamp && info.Length == _loadedLength
                && DateTime.UtcNow - info.LastWriteTimeUtc > TimeSpan.FromSeconds(5))
            {
                return;
            }
            if (!_writeLock.Wait(0))
            {
                return; // a save is in progress; the next tick reloads if needed
            }
            try
            {
                byte[] content;
                using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    if (stream.Length > MaxFileBytes)
                    {
                        throw new IOException("The account file is too large.");
                    }
                    content = new byte[stream.Length];
                    stream.ReadExactly(content);
                }
                byte[] digest = SHA256.HashData(content);
                if (!force && _loadedDigest is not null && CryptographicOperations.FixedTimeEquals(digest, _loadedDigest))
                {
                    _loadedStamp = info.LastWriteTimeUtc;
                    _loadedLength = info.Length;
                    return;
                }
                var file = JsonSerializer.Deserialize<UserFile>(content, s_json);
                var accounts = file?.Users ?? [];
                var duplicate = accounts.GroupBy(a => a.UserName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null || accounts.Any(a => string.IsNullOrEmpty(a.UserName)))
                {
                    throw new JsonException("Every account needs a unique, non-empty userName.");
                }
                if (_protector is not null)
                {
                    foreach (var account in accounts)
                    {
                        SftpAccountSecrets.Unprotect(account, _protector);
                    }
                }
                _inner.ReplaceAll(accounts);
                _loadedDigest = digest;
                _loadedStamp = info.LastWriteTimeUtc;
                _loadedLength = info.Length;
                LogReloaded(_logger, _path, accounts.Count);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or ObjectDisposedException or CryptographicException)
        {
            LogReloadFailed(_logger, _path, ex.GetType().Name);
            try
            {
                var info = new FileInfo(_path);
                _loadedStamp = info.LastWriteTimeUtc;
                _loadedLength = info.Length;
            }
            catch (IOException)
            {
            }
        }
    }

    [LoggerMessage(5000, LogLevel.Information, "Loaded {Count} accounts from {Path}", EventName = "UserFileLoaded")]
    private static partial void LogReloaded(ILogger logger, string path, int count);

    [LoggerMessage(5001, LogLevel.Warning, "Could not load accounts from {Path} ({Error}); keeping the previous accounts", EventName = "UserFileLoadFailed")]
    private static partial void LogReloadFailed(ILogger logger, string path, string error);

    private sealed class UserFile
    {
        public List<SftpAccount> Users { get; set; } = [];
    }
}
