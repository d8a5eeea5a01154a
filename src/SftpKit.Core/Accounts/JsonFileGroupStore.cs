using System.Text.Json;
using System.Text.Json.Serialization;

namespace SftpKit.Accounts;

/// <summary>
/// Groups in a JSON file (<c>{"groups":[...]}</c>, the <see cref="SftpGroup"/> shape in camelCase), for the JSON-file
/// account store. Read once when created (a missing file is an empty store; a file that does not parse, or is over
/// <see cref="MaxFileSize"/>, throws so the host fails at start); every change rewrites the whole file through a
/// temporary file that is flushed and renamed into place, mode 0600 on Unix. Edits made to the file while the server
/// runs are not picked up. With a secret protector, secret storage settings are written protected.
/// </summary>
public sealed class JsonFileGroupStore : ISftpGroupStore, IDisposable
{
    /// <summary>Largest file read: 16 MiB.</summary>
    public const long MaxFileSize = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly GroupRecords _records = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ISftpSecretProtector? _protector;
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The group file.</param>
    /// <param name="secretProtector">Protects secret storage settings at rest; null (default) stores them as given.</param>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid group file.</exception>
    public JsonFileGroupStore(string path, ISftpSecretProtector? secretProtector = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _protector = secretProtector;
        if (!File.Exists(_path))
        {
            return;
        }
        if (new FileInfo(_path).Length > MaxFileSize)
        {
            throw new InvalidDataException($"The group file is larger than {MaxFileSize} bytes.");
        }
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The group file is not valid JSON.", ex);
        }
        var groups = document?.Groups ?? [];
        if (_protector is not null)
        {
            foreach (var group in groups)
            {
                SftpAccountSecrets.Unprotect(group, _protector);
            }
        }
        try
        {
            _records.Load(groups);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The group file holds a group without a valid name.", ex);
        }
    }

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public ValueTask<SftpGroup?> FindAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpGroup> ListAsync(CancellationToken cancellationToken) => GroupRecords.Enumerate(_records.Snapshot(), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpGroup group, CancellationToken cancellationToken)
    {
        _records.Create(group);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpGroup group, CancellationToken cancellationToken) =>
        _records.Update(group) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        _records.Delete(name) && await SaveAsync().ConfigureAwait(false);

    private async Task<bool> SaveAsync()
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var groups = _records.Snapshot();
            if (_protector is not null)
            {
                foreach (var group in groups)
                {
                    SftpAccountSecrets.Protect(group, _protector);
                }
            }
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Groups = groups }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpGroup>? Groups { get; set; }
    }
}
