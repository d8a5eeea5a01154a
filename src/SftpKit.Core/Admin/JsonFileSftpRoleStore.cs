using SftpKit.Accounts;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SftpKit.Admin;

/// <summary>
/// Roles in a JSON file (<c>{"roles":[{"name":...,"description":...}]}</c>, camelCase). Read once when created (a
/// missing file is an empty store; a file that does not parse, is over 1 MiB, or names a role twice or badly throws so
/// the host fails at start); every change rewrites the whole file through a temporary file that is flushed and renamed
/// into place. Edits made to the file while the server runs are not picked up.
/// </summary>
public sealed class JsonFileSftpRoleStore : ISftpRoleStore, IDisposable
{
    /// <summary>Largest file read: 1 MiB.</summary>
    public const long MaxFileSize = 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly RoleRecords _records = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid role file.</exception>
    public JsonFileSftpRoleStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            return;
        }
        if (new FileInfo(_path).Length > MaxFileSize)
        {
            throw new InvalidDataException($"The role file is larger than {MaxFileSize} bytes.");
        }
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The role file is not valid JSON.", ex);
        }
        var roles = document?.Roles ?? [];
        if (roles.Any(r => r is null || !RoleRecords.IsValidName(r.Name)) || roles.GroupBy(r => r.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every role in the role file needs a unique, valid name.");
        }
        _records.Load(roles);
    }

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public ValueTask<SftpRole?> FindAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpRole> ListAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot(), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpRole role, CancellationToken cancellationToken)
    {
        _records.Create(role);
        await SaveAsync();
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpRole role, CancellationToken cancellationToken) => _records.Update(role) && await SaveAsync();

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => _records.Delete(name) && await SaveAsync();

    private async Task<bool> SaveAsync()
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state.
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Roles = _records.Snapshot() }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpRole>? Roles { get; set; }
    }
}
