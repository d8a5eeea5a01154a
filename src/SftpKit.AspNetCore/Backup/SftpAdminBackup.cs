using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Backup;

/// <summary>
/// The admin API's backup operations without HTTP, for command-line tools: the same document as <c>GET /dumpdata</c>,
/// the same validation and restore as <c>POST /loaddata</c>, and the SFTPGo import of <c>POST /loaddata?format=sftpgo</c>.
/// <c>services</c> is a provider with the SFTP server, its stores and <c>AddSftpAdmin</c> registered.
/// Inputs larger than <see cref="SftpAdminOptions.MaxRestoreBodySize"/> (default 64 MiB) are refused.
/// </summary>
public static class SftpAdminBackup
{
    /// <summary>Writes the backup document of every registered store to <paramref name="output"/> (it holds password hashes: protect it).</summary>
    public static Task DumpAsync(IServiceProvider services, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        return BackupEndpoints.WriteDumpAsync(services.GetRequiredService<ISftpUserStore>(), services, services.GetRequiredService<AdminServices>(),
            output, cancellationToken);
    }

    /// <summary>Validates a backup document whole and restores it; on any error nothing changes and the result lists the errors.</summary>
    public static async Task<SftpBackupLoadResult> LoadAsync(IServiceProvider services, Stream input, SftpRestoreMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var admin = services.GetRequiredService<AdminServices>();
        var node = await ReadAsync(input, admin.Options.MaxRestoreBodySize, cancellationToken).ConfigureAwait(false);
        return await RestoreAsync(node, mode, services, admin, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads an SFTPGo backup (users, groups, folders, admins, roles, shares, event actions and rules), converts it and
    /// restores it as <see cref="LoadAsync"/> does; <see cref="SftpBackupLoadResult.Issues"/> lists every field or object
    /// that did not carry over.
    /// </summary>
    public static async Task<SftpBackupLoadResult> ImportSftpGoAsync(IServiceProvider services, Stream input, SftpRestoreMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var admin = services.GetRequiredService<AdminServices>();
        var node = await ReadAsync(input, admin.Options.MaxRestoreBodySize, cancellationToken).ConfigureAwait(false);
        var issues = new List<SftpGoImportIssue>();
        node = await ConvertSftpGoAsync(node, services, issues, cancellationToken).ConfigureAwait(false);
        return await RestoreAsync(node, mode, services, admin, issues, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backup document for an SFTPGo backup; the event actions already stored count as known to its rules.</summary>
    /// <exception cref="InvalidDataException">Not an SFTPGo backup.</exception>
    internal static async Task<JsonNode> ConvertSftpGoAsync(JsonNode? node, IServiceProvider services, List<SftpGoImportIssue> issues, CancellationToken cancellationToken)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (services.GetService(typeof(ISftpEventRuleStore)) is ISftpEventRuleStore rules)
        {
            await foreach (var action in rules.ListActionsAsync(cancellationToken).ConfigureAwait(false))
            {
                known.Add(action.Name);
            }
        }
        var providers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (services.GetService(typeof(IEnumerable<ISftpStorageProvider>)) is IEnumerable<ISftpStorageProvider> registered)
        {
            providers.UnionWith(registered.Select(p => p.Name));
        }
        var element = node is null ? default : JsonSerializer.SerializeToElement(node);
        return SftpGoBackupConverter.Convert(element, issues, known, providers);
    }

    private static async Task<SftpBackupLoadResult> RestoreAsync(JsonNode? node, SftpRestoreMode mode, IServiceProvider services, AdminServices admin,
        List<SftpGoImportIssue> issues, CancellationToken cancellationToken)
    {
        var (response, errors) = await BackupEndpoints.RestoreDocumentAsync(node, mode, services.GetRequiredService<ISftpUserStore>(), services, admin,
            actor: null, cancellationToken).ConfigureAwait(false);
        return new SftpBackupLoadResult
        {
            Mode = mode == SftpRestoreMode.Replace ? "replace" : "add-only",
            Added = response?.Added ?? 0,
            Replaced = response?.Replaced ?? 0,
            Skipped = response?.Skipped ?? 0,
            Errors = errors.ToDictionary(),
            Issues = issues,
        };
    }

    private static async Task<JsonNode?> ReadAsync(Stream input, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"The document is larger than {limit} bytes (SftpAdminOptions.MaxRestoreBodySize).");
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray(), AdminJson.NodeOptions, AdminJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The document is not valid JSON.", ex);
        }
    }
}

/// <summary>What <see cref="SftpAdminBackup.LoadAsync"/> or <see cref="SftpAdminBackup.ImportSftpGoAsync"/> did.</summary>
public sealed class SftpBackupLoadResult
{
    /// <summary>True when the document was restored (no <see cref="Errors"/>).</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary><c>add-only</c> or <c>replace</c>.</summary>
    public string Mode { get; init; } = "add-only";

    /// <summary>Accounts created.</summary>
    public int Added { get; init; }

    /// <summary>Accounts replaced (replace mode).</summary>
    public int Replaced { get; init; }

    /// <summary>Accounts left as they were because they exist (add-only mode).</summary>
    public int Skipped { get; init; }

    /// <summary>Validation errors by field path; when any, nothing was changed.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    /// <summary>For an SFTPGo import: every field or object that did not carry over (path and reason); empty otherwise.</summary>
    public IReadOnlyList<SftpGoImportIssue> Issues { get; init; } = [];
}
