using System.Text.Json;
using System.Text.Json.Serialization;

namespace SftpKit.Accounts;

/// <summary>
/// Second factors and access tokens in a JSON file (<c>{"totp":[...],"tokens":[...]}</c>, the
/// <see cref="SftpTotpConfig"/> and <see cref="SftpAccessToken"/> shapes in camelCase), for the JSON-file account
/// store. Read once when created (a missing file is an empty store; a file that does not parse, or is over
/// <see cref="MaxFileSize"/>, throws so the host fails at start); every change rewrites the whole file through a
/// temporary file that is flushed and renamed into place, mode 0600 on Unix. The file holds token hashes and the
/// secrets as <see cref="SftpCredentials"/> stored them (protected when a secret protector is registered).
/// </summary>
public sealed class JsonFileCredentialStore : ISftpCredentialStore, IDisposable
{
    /// <summary>Largest file read: 16 MiB.</summary>
    public const long MaxFileSize = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly CredentialRecords _records = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid credential file.</exception>
    public JsonFileCredentialStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            return;
        }
        if (new FileInfo(_path).Length > MaxFileSize)
        {
            throw new InvalidDataException($"The credential file is larger than {MaxFileSize} bytes.");
        }
        try
        {
            var document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
            _records.Load(document?.Totp ?? [], document?.Tokens ?? []);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new InvalidDataException("The credential file is not valid.", ex);
        }
    }

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public ValueTask<SftpTotpConfig?> GetTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken) => ValueTask.FromResult(_records.GetTotp(owner));

    /// <inheritdoc/>
    public async ValueTask SetTotpAsync(SftpTotpConfig config, CancellationToken cancellationToken)
    {
        _records.SetTotp(config);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken) =>
        _records.DeleteTotp(owner) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpTotpConfig> ListTotpAsync(CancellationToken cancellationToken) =>
        CredentialRecords.Enumerate(_records.Snapshot().Totp, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<SftpAccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindToken(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpAccessToken> ListTokensAsync(SftpCredentialOwner? owner, CancellationToken cancellationToken) =>
        CredentialRecords.Enumerate(_records.Snapshot(owner).Tokens, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateTokenAsync(SftpAccessToken token, CancellationToken cancellationToken)
    {
        _records.CreateToken(token);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken) =>
        _records.DeleteToken(id) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask TouchTokenAsync(string id, DateTimeOffset time, CancellationToken cancellationToken)
    {
        if (_records.TouchToken(id, time))
        {
            await SaveAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> SaveAsync()
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var (totp, tokens) = _records.Snapshot();
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Totp = totp, Tokens = tokens }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpTotpConfig>? Totp { get; set; }

        public List<SftpAccessToken>? Tokens { get; set; }
    }
}
