using System.Text.Json;
using System.Text.Json.Serialization;

namespace SftpKit.Accounts;

/// <summary>
/// Shares in a JSON file (<c>{"shares":[...]}</c>, the <see cref="SftpShare"/> shape in camelCase), for the JSON-file
/// account store. Read once when created (a missing file is an empty store; a file that does not parse, or is over
/// <see cref="MaxFileSize"/>, throws so the host fails at start); every change, a link's use included, rewrites the
/// whole file through a temporary file that is flushed and renamed into place, mode 0600 on Unix. Edits made to the
/// file while the server runs are not picked up. The file holds password hashes, never passwords.
/// </summary>
public sealed class JsonFileShareStore : ISftpShareStore, IDisposable
{
    /// <summary>Largest file read: 16 MiB.</summary>
    public const long MaxFileSize = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ShareRecords _records = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid share file.</exception>
    public JsonFileShareStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            return;
        }
        if (new FileInfo(_path).Length > MaxFileSize)
        {
            throw new InvalidDataException($"The share file is larger than {MaxFileSize} bytes.");
        }
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The share file is not valid JSON.", ex);
        }
        try
        {
            _records.Load(document?.Shares ?? []);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The share file holds a share without a valid id or owner.", ex);
        }
    }

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public ValueTask<SftpShare?> FindAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpShare> ListAsync(string? userName, CancellationToken cancellationToken) =>
        ShareRecords.Enumerate(_records.Snapshot(userName), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpShare share, CancellationToken cancellationToken)
    {
        _records.Create(share);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpShare share, CancellationToken cancellationToken) =>
        _records.Update(share) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        _records.Delete(id) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> TryUseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _records.TryUse(id, now) && await SaveAsync().ConfigureAwait(false);

    private async Task<bool> SaveAsync()
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state;
        // a change already made in memory is written even when its caller has gone.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var shares = _records.Snapshot(null);
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Shares = shares }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpShare>? Shares { get; set; }
    }
}
