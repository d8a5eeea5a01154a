using SftpKit.Accounts;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SftpKit.Admin;

/// <summary>
/// Admins and API keys in a JSON file (<c>{"admins":[...],"apiKeys":[...]}</c>, camelCase). Read once when created
/// (a missing file is an empty store; a file that does not parse, or is over 16 MiB, throws so the host fails at
/// start); every change rewrites the whole file through a temporary file that is flushed and renamed into place,
/// mode 0600 on Unix. Edits made to the file while the server runs are not picked up. The file holds password and
/// key hashes, never secrets.
/// </summary>
public sealed class JsonFileSftpAdminStore : ISftpAdminStore, IDisposable
{
    /// <summary>Largest file read: 16 MiB.</summary>
    public const long MaxFileSize = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly AdminRecords _records = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid admin file.</exception>
    public JsonFileSftpAdminStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        if (File.Exists(_path))
        {
            var info = new FileInfo(_path);
            if (info.Length > MaxFileSize)
            {
                throw new InvalidDataException($"The admin file is larger than {MaxFileSize} bytes.");
            }
            FileDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException("The admin file is not valid JSON.", ex);
            }
            var admins = document?.Admins ?? [];
            if (admins.Any(a => string.IsNullOrEmpty(a.UserName)) || admins.GroupBy(a => a.UserName, StringComparer.Ordinal).Any(g => g.Count() > 1))
            {
                throw new InvalidDataException("Every admin in the admin file needs a unique, non-empty name.");
            }
            _records.Load(admins, document?.ApiKeys ?? []);
        }
    }

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <inheritdoc/>
    public ValueTask<SftpAdmin?> FindAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(userName));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpAdmin> ListAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot().Admins, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpAdmin admin, CancellationToken cancellationToken)
    {
        _records.Create(admin);
        await SaveAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpAdmin admin, CancellationToken cancellationToken) =>
        _records.Update(admin) && await SaveAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) =>
        _records.Delete(userName) && await SaveAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<SftpApiKey?> FindApiKeyAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindKey(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpApiKey> ListApiKeysAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot().Keys, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateApiKeyAsync(SftpApiKey key, CancellationToken cancellationToken)
    {
        _records.CreateKey(key);
        await SaveAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteApiKeyAsync(string id, CancellationToken cancellationToken) =>
        _records.DeleteKey(id) && await SaveAsync(cancellationToken);

    private async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state.
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            var (admins, keys) = _records.Snapshot();
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Admins = admins, ApiKeys = keys }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpAdmin>? Admins { get; set; }

        public List<SftpApiKey>? ApiKeys { get; set; }
    }
}
