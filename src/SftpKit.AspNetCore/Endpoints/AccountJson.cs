using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// The account as the admin API reads and writes it: <see cref="SftpAccount"/>'s JSON (camelCase) plus a write-only
/// <c>password</c> (hashed with argon2id before it reaches the store) and a read-only <c>hasPassword</c>; the stored
/// <c>passwordHash</c> is accepted on input but never written to a response.
/// </summary>
internal static class AccountJson
{
    private static readonly HashSet<string> s_accountMembers = AdminJson.Options.GetTypeInfo(typeof(SftpAccount)).Properties
        .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads an account from <paramref name="node"/>; on failure the problems are in <paramref name="errors"/> and the result is null.</summary>
    public static SftpAccount? Read(JsonNode? node, string prefix, ValidationErrors errors, out string? password, out bool passwordHashGiven)
    {
        password = null;
        passwordHashGiven = false;
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;
        if (node is not JsonObject obj)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "An account must be a JSON object.");
            return null;
        }
        obj = (JsonObject)obj.DeepClone();
        if (obj.TryGetPropertyValue("password", out var passwordNode))
        {
            obj.Remove("password");
            if (passwordNode is JsonValue v && v.TryGetValue(out string? text))
            {
                password = text;
            }
            else if (passwordNode is not null)
            {
                errors.Add(F("password"), "The password must be a string.");
            }
        }
        // A response body sent back unchanged is a valid request.
        obj.Remove("hasPassword");
        passwordHashGiven = obj.ContainsKey("passwordHash");
        int before = errors.Count;
        foreach (var (name, _) in obj)
        {
            if (!s_accountMembers.Contains(name))
            {
                errors.Add(F(name), "Unknown field.");
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        var account = AdminJson.TryRead<SftpAccount>(obj, prefix, errors, "An account");
        if (account is null)
        {
            return null;
        }
        // JSON null for a collection means "empty".
        account.PublicKeys ??= [];
        account.VirtualFolders ??= [];
        account.Permissions ??= new Dictionary<string, IList<string>>(StringComparer.Ordinal);
        account.FilePatterns ??= [];
        account.AllowedIPs ??= [];
        account.DeniedIPs ??= [];
        account.DeniedLoginMethods ??= [];
        account.RequiredLoginSteps ??= [];
        account.Metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
        account.AccessTime ??= [];
        account.DeniedProtocols ??= [];
        if (account.FileSystem is { } fs)
        {
            fs.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
        }
        foreach (var folder in account.VirtualFolders)
        {
            if (folder?.FileSystem is { } folderFs)
            {
                folderFs.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
            }
        }
        return account;
    }

    /// <summary>What a secret storage setting reads as in responses; sent back unchanged, it keeps the stored value.</summary>
    public const string Redacted = "[redacted]";

    // Beyond what the stores protect at rest (SftpAccountSecrets.IsSecret), responses also hide access key ids.
    private static readonly string[] s_extraRedactedWords = ["accesskey", "access_key"];

    /// <summary>
    /// Storage settings whose name says they hold a secret: everything <see cref="SftpAccountSecrets.IsSecret"/> names
    /// (S3 secret keys, SSE-C keys, passwords, tokens) plus access key ids.
    /// </summary>
    public static bool IsSecretSetting(string name) =>
        SftpAccountSecrets.IsSecret(name) || s_extraRedactedWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>The account for a response: no password hash (only <c>hasPassword</c>) and secret storage settings redacted.</summary>
    public static JsonObject Write(SftpAccount account)
    {
        var copy = account.Clone();
        Redact(copy.FileSystem);
        foreach (var folder in copy.VirtualFolders)
        {
            Redact(folder.FileSystem);
        }
        var obj = JsonSerializer.SerializeToNode(copy, AdminJson.Options)!.AsObject();
        obj.Remove("passwordHash");
        obj["hasPassword"] = account.PasswordHash is not null;
        return obj;
    }

    /// <summary>Puts back the stored value of every secret setting a client sent as <see cref="Redacted"/>.</summary>
    public static void RestoreRedacted(SftpAccount incoming, SftpAccount existing)
    {
        Restore(incoming.FileSystem, existing.FileSystem);
        foreach (var folder in incoming.VirtualFolders)
        {
            Restore(folder?.FileSystem, existing.VirtualFolders.FirstOrDefault(f => f.Name == folder?.Name)?.FileSystem);
        }
    }

    private static void Redact(SftpFileSystemConfig? fs)
    {
        if (fs is null)
        {
            return;
        }
        foreach (string name in fs.Settings.Keys.Where(IsSecretSetting).ToList())
        {
            fs.Settings[name] = Redacted;
        }
    }

    private static void Restore(SftpFileSystemConfig? incoming, SftpFileSystemConfig? existing)
    {
        if (incoming is null)
        {
            return;
        }
        foreach (string name in incoming.Settings.Where(s => s.Value == Redacted).Select(s => s.Key).ToList())
        {
            if (existing is not null && existing.Settings.TryGetValue(name, out string? stored))
            {
                incoming.Settings[name] = stored;
            }
            else
            {
                incoming.Settings.Remove(name);
            }
        }
    }
}
