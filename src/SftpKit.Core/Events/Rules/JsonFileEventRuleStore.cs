using System.Text.Json;
using System.Text.Json.Serialization;
using SftpKit.Accounts;

namespace SftpKit.Events.Rules;

/// <summary>
/// Event rules and actions in a JSON file (<c>{"actions":[...],"rules":[...]}</c>, the <see cref="SftpEventAction"/>
/// and <see cref="SftpEventRule"/> shapes in camelCase, enums as numbers), for the JSON-file account store, which
/// registers it as <c>users.eventrules.json</c> beside the users file. Read once when created (a missing file is an
/// empty store; a file that does not parse, or is over <see cref="MaxFileSize"/>, throws so the host fails at start);
/// every change rewrites the whole file through a temporary file that is flushed and renamed into place, mode 0600 on
/// Unix. Edits made to the file while the server runs are not picked up. With a secret protector, action passwords
/// (<see cref="SftpEventActionSecrets"/>) are written protected; values stored plain before are read as they are and
/// protected at the next write. Run records are not kept here (the engine's bounded in-memory run store keeps them).
/// </summary>
public sealed class JsonFileEventRuleStore : ISftpEventRuleStore, IDisposable
{
    /// <summary>Largest file read: 16 MiB.</summary>
    public const long MaxFileSize = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly EventRuleRecords _records;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ISftpSecretProtector? _protector;
    private readonly string _path;

    /// <summary>Opens (or starts) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The rule file.</param>
    /// <param name="secretProtector">Protects action passwords at rest; null (default) stores them as given.</param>
    /// <param name="time">The clock stamping rule change times; the system clock when null.</param>
    /// <exception cref="InvalidDataException">The file exists but is too large or not a valid rule file.</exception>
    public JsonFileEventRuleStore(string path, ISftpSecretProtector? secretProtector = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _protector = secretProtector;
        _records = new EventRuleRecords(time ?? TimeProvider.System);
        if (!File.Exists(_path))
        {
            return;
        }
        if (new FileInfo(_path).Length > MaxFileSize)
        {
            throw new InvalidDataException($"The event rule file is larger than {MaxFileSize} bytes.");
        }
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FileDocument>(File.ReadAllBytes(_path), s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The event rule file is not valid JSON.", ex);
        }
        var actions = (document?.Actions ?? []).Where(a => a is not null).ToList();
        if (_protector is not null)
        {
            foreach (var action in actions)
            {
                EventRuleRecords.Normalize(action);
                SftpEventActionSecrets.Unprotect(action, _protector);
            }
        }
        try
        {
            _records.Load((document?.Rules ?? []).Where(r => r is not null), actions);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The event rule file holds a rule or action without a valid name.", ex);
        }
    }

    /// <summary>The file's full path.</summary>
    public string FilePath => _path;

    /// <summary>Releases the write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public ValueTask<SftpEventRule?> FindRuleAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindRule(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpEventRule> ListRulesAsync(CancellationToken cancellationToken) =>
        EventRuleRecords.Enumerate(_records.Snapshot().Rules, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        _records.CreateRule(rule);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken) =>
        _records.UpdateRule(rule) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteRuleAsync(string name, CancellationToken cancellationToken) =>
        _records.DeleteRule(name) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<SftpEventAction?> FindActionAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindAction(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpEventAction> ListActionsAsync(CancellationToken cancellationToken) =>
        EventRuleRecords.Enumerate(_records.Snapshot().Actions, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CreateActionAsync(SftpEventAction action, CancellationToken cancellationToken)
    {
        _records.CreateAction(action);
        await SaveAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateActionAsync(SftpEventAction action, CancellationToken cancellationToken) =>
        _records.UpdateAction(action) && await SaveAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteActionAsync(string name, CancellationToken cancellationToken) =>
        _records.DeleteAction(name) && await SaveAsync().ConfigureAwait(false);

    private async Task<bool> SaveAsync()
    {
        // Writers are serialised and each writes the latest snapshot, so the file always ends with the newest state;
        // a change already made in memory is written even when its caller has gone.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var (rules, actions) = _records.Snapshot();
            if (_protector is not null)
            {
                foreach (var action in actions)
                {
                    SftpEventActionSecrets.Protect(action, _protector);
                }
            }
            await JsonFileWriter.WriteAtomicallyAsync(_path, new FileDocument { Actions = actions, Rules = rules }, s_json).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class FileDocument
    {
        public List<SftpEventAction>? Actions { get; set; }

        public List<SftpEventRule>? Rules { get; set; }
    }
}
