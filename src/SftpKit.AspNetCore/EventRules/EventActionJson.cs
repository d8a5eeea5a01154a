using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Event actions in the admin API's JSON: the snake_case shape of the SFTPGo event action (<c>name</c>,
/// <c>description</c>, numeric <c>type</c>, <c>options</c> with <c>http_config</c>, <c>cmd_config</c>,
/// <c>email_config</c>, <c>retention_config</c>, <c>fs_config</c>, <c>pwd_expiration_config</c>,
/// <c>user_inactivity_config</c>; SftpKit adds <c>backup_config</c>, <c>http_config.max_retries</c> and
/// <c>parts[].content_type</c>). Only the block of the action's type is read; the others are ignored. Secrets are
/// write-only: a stored HTTP password is returned as <c>{"status": "Redacted"}</c>.
/// </summary>
internal static partial class EventActionJson
{
    /// <summary>The secret status SFTPGo uses for a hidden secret; sending it back keeps the stored secret.</summary>
    public const string Redacted = "Redacted";

    /// <summary>The placeholder the WebAdmin shows for a stored secret; submitting it keeps the stored secret.</summary>
    public const string RedactedText = "[**redacted**]";

    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE"];

    /// <summary>
    /// Reads and checks an action body. <paramref name="existing"/> (on update) supplies the stored secret when the body
    /// sends it redacted or not in clear. Null with <paramref name="errors"/> filled when it is not valid.
    /// </summary>
    public static SftpEventAction? Read(JsonNode? node, ValidationErrors errors, SftpEventAction? existing)
    {
        var f = new JsonFields(errors);
        if (f.Object(node, "", "An event action", ["name", "description", "type", "options"], ["id", "rules"]) is not { } obj)
        {
            return null;
        }
        var action = new SftpEventAction
        {
            Name = f.String(obj, "name", "", NameRules.MaxNameLength) ?? "",
            Description = f.String(obj, "description", "", AccountValidator.MaxDescriptionLength) is { Length: > 0 } d ? d : null,
        };
        if (NameRules.CheckUserName(action.Name) is { } nameError)
        {
            errors.Add("name", "The action name " + nameError);
        }
        int? type = f.Int(obj, "type", "");
        if (type is null)
        {
            errors.Add("type", "The action type is required (1 HTTP, 2 command, 3 e-mail, 4 backup, 5 user quota reset, 6 folder quota reset, 7 transfer quota reset, 8 data retention check, 9 file system, 11 password expiration check, 12 user expiration check, 14 user inactivity check).");
            return null;
        }
        if (!Enum.IsDefined((SftpEventActionType)type.Value))
        {
            errors.Add("type", $"Action type {type} is not supported by this server.");
            return null;
        }
        action.Type = (SftpEventActionType)type.Value;
        var options = obj["options"] is null ? new JsonObject() : obj["options"] as JsonObject;
        if (options is null)
        {
            errors.Add("options", "Must be a JSON object.");
            return null;
        }
        ReadOptions(f, action, options, existing);
        return errors.IsEmpty ? action : null;
    }

    private static void ReadOptions(JsonFields f, SftpEventAction action, JsonObject options, SftpEventAction? existing)
    {
        var errors = f.Errors;
        const string p = "options";
        switch (action.Type)
        {
            case SftpEventActionType.Http:
                action.Options.Http = ReadHttp(f, Block(f, options, "http_config", ["endpoint", "username", "password", "headers", "timeout", "skip_tls_verify", "method", "query_parameters", "body", "parts", "max_retries"]),
                    existing?.Type == SftpEventActionType.Http ? existing.Options.Http?.Password : null);
                break;
            case SftpEventActionType.Command:
                action.Options.Command = ReadCommand(f, Block(f, options, "cmd_config", ["cmd", "args", "timeout", "env_vars"]));
                break;
            case SftpEventActionType.Email:
                action.Options.Email = ReadEmail(f, Block(f, options, "email_config", ["recipients", "bcc", "subject", "body", "content_type", "attachments"]));
                break;
            case SftpEventActionType.DataRetentionCheck:
                action.Options.Retention = ReadRetention(f, Block(f, options, "retention_config", ["folders"]));
                break;
            case SftpEventActionType.FileSystem:
                action.Options.FileSystem = ReadFileSystem(f, Block(f, options, "fs_config", ["type", "renames", "mkdirs", "deletes", "exist", "copy", "compress"], ["folder"]));
                break;
            case SftpEventActionType.Backup:
                var backup = Block(f, options, "backup_config", ["directory"]);
                string? directory = backup is null ? null : f.String(backup, "directory", p + ".backup_config", NameRules.MaxPathLength);
                if (!string.IsNullOrEmpty(directory) && NameRules.CheckLocalDirectory(directory) is { } dirError)
                {
                    errors.Add(p + ".backup_config.directory", "The directory " + dirError);
                }
                action.Options.Backup = new SftpBackupActionSettings { Directory = string.IsNullOrEmpty(directory) ? null : directory };
                break;
            case SftpEventActionType.PasswordExpirationCheck:
                var pwd = Block(f, options, "pwd_expiration_config", ["threshold"]);
                int threshold = pwd is null ? 0 : f.Int(pwd, "threshold", p + ".pwd_expiration_config") ?? 0;
                if (threshold is < 1 or > 3650)
                {
                    errors.Add(p + ".pwd_expiration_config.threshold", "Must be between 1 and 3650 days.");
                }
                action.Options.PasswordExpirationThresholdDays = threshold;
                break;
            case SftpEventActionType.UserInactivityCheck:
                var idle = Block(f, options, "user_inactivity_config", ["disable_threshold", "delete_threshold"]);
                var inactivity = new SftpInactivityActionSettings
                {
                    DisableThresholdDays = idle is null ? 0 : f.Int(idle, "disable_threshold", p + ".user_inactivity_config") ?? 0,
                    DeleteThresholdDays = idle is null ? 0 : f.Int(idle, "delete_threshold", p + ".user_inactivity_config") ?? 0,
                };
                if (inactivity.DisableThresholdDays < 0 || inactivity.DeleteThresholdDays < 0 || inactivity.DisableThresholdDays + inactivity.DeleteThresholdDays == 0)
                {
                    errors.Add(p + ".user_inactivity_config", "Set a disable or a delete threshold (days, at least 1).");
                }
                else if (inactivity.DisableThresholdDays > 0 && inactivity.DeleteThresholdDays > 0 && inactivity.DeleteThresholdDays <= inactivity.DisableThresholdDays)
                {
                    errors.Add(p + ".user_inactivity_config.delete_threshold", "Must be greater than the disable threshold.");
                }
                action.Options.Inactivity = inactivity;
                break;
            default:
                // Quota resets and the expiration check take no settings.
                break;
        }
    }

    private static JsonObject? Block(JsonFields f, JsonObject options, string name, string[] known, string[]? ignored = null) =>
        f.OptionalObject(options, name, "options", "The " + name, known, ignored) ?? (options[name] is null ? new JsonObject() : null);

    private static SftpHttpActionSettings? ReadHttp(JsonFields f, JsonObject? o, string? storedPassword)
    {
        if (o is null)
        {
            return null;
        }
        const string p = "options.http_config";
        var errors = f.Errors;
        var http = new SftpHttpActionSettings
        {
            Endpoint = f.String(o, "endpoint", p, 8192)?.Trim() ?? "",
            Method = (f.String(o, "method", p, 16) ?? "POST").Trim().ToUpperInvariant(),
            Username = f.String(o, "username", p, 1024) is { Length: > 0 } u ? u : null,
            Headers = f.KeyValues(o, "headers", p),
            QueryParameters = f.KeyValues(o, "query_parameters", p),
            Body = f.String(o, "body", p) is { Length: > 0 } b ? b : null,
            TimeoutSeconds = f.Int(o, "timeout", p) ?? 20,
            MaxRetries = f.Int(o, "max_retries", p) ?? 2,
            SkipTlsVerify = f.Bool(o, "skip_tls_verify", p),
            Password = ReadSecret(f, o, "password", p, storedPassword),
        };
        if (http.Endpoint.Length == 0)
        {
            errors.Add(p + ".endpoint", "The HTTP endpoint is required.");
        }
        else if (!Uri.TryCreate(http.Endpoint.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            errors.Add(p + ".endpoint", "Must be an absolute http or https URL.");
        }
        if (!s_methods.Contains(http.Method, StringComparer.Ordinal))
        {
            errors.Add(p + ".method", "Must be GET, POST, PUT or DELETE.");
        }
        if (http.TimeoutSeconds is < 1 or > 180)
        {
            errors.Add(p + ".timeout", "Must be between 1 and 180 seconds.");
        }
        if (http.MaxRetries is < 0 or > 10)
        {
            errors.Add(p + ".max_retries", "Must be between 0 and 10.");
        }
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, path) in f.Array(o, "parts", p))
        {
            if (f.Object(node, path, "A part", ["name", "filepath", "headers", "body", "content_type"], ["order"]) is not { } part)
            {
                continue;
            }
            var item = new SftpHttpPart
            {
                Name = f.String(part, "name", path, 255)?.Trim() ?? "",
                FilePath = f.String(part, "filepath", path, NameRules.MaxPathLength)?.Trim() is { Length: > 0 } fp ? fp : null,
                Body = f.String(part, "body", path) is { Length: > 0 } pb ? pb : null,
                ContentType = f.String(part, "content_type", path, 255)?.Trim() is { Length: > 0 } ct ? ct : null,
                Headers = f.KeyValues(part, "headers", path),
            };
            if (item.Name.Length == 0)
            {
                errors.Add(path + ".name", "The part name is required.");
            }
            if (item.FilePath is null && item.Body is null)
            {
                errors.Add(path + ".body", "A part without a file path needs a body.");
            }
            if (item.FilePath is not null && !files.Add(item.FilePath))
            {
                errors.Add(path + ".filepath", "The same file is attached twice.");
            }
            http.Parts.Add(item);
        }
        if (http.Parts.Count > 0)
        {
            if (http.Body is not null)
            {
                errors.Add(p + ".body", "A multipart request takes no body: its parts are the body.");
            }
            if (http.Headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(p + ".headers", "The content type of a multipart request is set by the server.");
            }
        }
        return http;
    }

    /// <summary>
    /// A secret member: a string or <c>{"status": "Plain", "payload": "..."}</c> sets it; absent, null, an empty
    /// payload or status removes it; any other status (<c>Redacted</c>, an encrypted form) or the payload
    /// <see cref="RedactedText"/> keeps <paramref name="stored"/>.
    /// </summary>
    private static string? ReadSecret(JsonFields f, JsonObject o, string name, string prefix, string? stored)
    {
        var node = o[name];
        string path = JsonFields.Path(prefix, name);
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            string s = value.GetValue<string>();
            return s == RedactedText ? stored : s.Length == 0 ? null : s;
        }
        if (f.Object(node, path, "A secret", ["status", "payload"], ["key", "additional_data", "mode"]) is not { } secret)
        {
            return null;
        }
        string status = f.String(secret, "status", path, 64) ?? "";
        string payload = f.String(secret, "payload", path, 8192) ?? "";
        if (payload == RedactedText)
        {
            return stored;
        }
        if (status.Length == 0)
        {
            return payload.Length == 0 ? null : payload;
        }
        if (status.Equals("Plain", StringComparison.OrdinalIgnoreCase))
        {
            return payload.Length == 0 ? null : payload;
        }
        return stored;
    }

    private static SftpCommandActionSettings? ReadCommand(JsonFields f, JsonObject? o)
    {
        if (o is null)
        {
            return null;
        }
        const string p = "options.cmd_config";
        var command = new SftpCommandActionSettings
        {
            Command = f.String(o, "cmd", p, NameRules.MaxPathLength)?.Trim() ?? "",
            Arguments = f.Strings(o, "args", p, JsonFields.MaxText),
            EnvironmentVariables = f.KeyValues(o, "env_vars", p),
            TimeoutSeconds = f.Int(o, "timeout", p) ?? 20,
        };
        if (command.Command.Length == 0)
        {
            f.Errors.Add(p + ".cmd", "The command is required.");
        }
        else if (NameRules.CheckLocalDirectory(command.Command) is { } error)
        {
            f.Errors.Add(p + ".cmd", "The command " + error.Replace("is required.", "must be an absolute path.", StringComparison.Ordinal));
        }
        if (command.TimeoutSeconds is < 1 or > 600)
        {
            f.Errors.Add(p + ".timeout", "Must be between 1 and 600 seconds.");
        }
        return command;
    }

    private static SftpEmailActionSettings? ReadEmail(JsonFields f, JsonObject? o)
    {
        if (o is null)
        {
            return null;
        }
        const string p = "options.email_config";
        var email = new SftpEmailActionSettings
        {
            Recipients = f.Strings(o, "recipients", p, 320).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Bcc = f.Strings(o, "bcc", p, 320).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Subject = f.String(o, "subject", p, 4096) ?? "",
            Body = f.String(o, "body", p) ?? "",
            Attachments = f.Strings(o, "attachments", p).Distinct(StringComparer.Ordinal).ToList(),
        };
        int contentType = f.Int(o, "content_type", p) ?? 0;
        if (contentType is not (0 or 1))
        {
            f.Errors.Add(p + ".content_type", "Must be 0 (text/plain) or 1 (text/html).");
        }
        email.Html = contentType == 1;
        if (email.Recipients.Count == 0 && email.Bcc.Count == 0)
        {
            f.Errors.Add(p + ".recipients", "At least one recipient is required.");
        }
        if (string.IsNullOrWhiteSpace(email.Subject))
        {
            f.Errors.Add(p + ".subject", "The subject is required.");
        }
        if (string.IsNullOrWhiteSpace(email.Body))
        {
            f.Errors.Add(p + ".body", "The body is required.");
        }
        return email;
    }

    private static SftpRetentionActionSettings? ReadRetention(JsonFields f, JsonObject? o)
    {
        if (o is null)
        {
            return null;
        }
        const string p = "options.retention_config";
        var retention = new SftpRetentionActionSettings();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, path) in f.Array(o, "folders", p))
        {
            if (f.Object(node, path, "A folder", ["path", "retention", "delete_empty_dirs"], ["ignore_user_permissions"]) is not { } item)
            {
                continue;
            }
            string raw = f.String(item, "path", path, NameRules.MaxPathLength) ?? "";
            if (!NameRules.TryNormalizeVirtualPath(raw, out string normalized, out string? error))
            {
                f.Errors.Add(path + ".path", "The path " + error);
                continue;
            }
            int hours = f.Int(item, "retention", path) ?? 0;
            if (hours < 0)
            {
                f.Errors.Add(path + ".retention", "Must be 0 (keep) or more hours.");
            }
            if (!paths.Add(normalized))
            {
                f.Errors.Add(path + ".path", "Another folder has the same path.");
            }
            retention.Folders.Add(new SftpRetentionFolder { Path = normalized, RetentionHours = hours, DeleteEmptyDirectories = f.Bool(item, "delete_empty_dirs", path) });
        }
        if (!retention.Folders.Any(x => x.RetentionHours > 0))
        {
            f.Errors.Add(p + ".folders", "At least one folder with a retention above 0 hours is required.");
        }
        return retention;
    }

    private static SftpFileActionSettings? ReadFileSystem(JsonFields f, JsonObject? o)
    {
        if (o is null)
        {
            return null;
        }
        const string p = "options.fs_config";
        int? type = f.Int(o, "type", p);
        if (type is null || !Enum.IsDefined((SftpFileActionType)type.Value))
        {
            f.Errors.Add(p + ".type", "Must be 1 (rename), 2 (delete), 3 (create directories), 4 (check existence), 5 (compress) or 6 (copy).");
            return null;
        }
        var fs = new SftpFileActionSettings { Type = (SftpFileActionType)type.Value };
        switch (fs.Type)
        {
            case SftpFileActionType.Rename:
                fs.Renames = Pairs(f, o, "renames", p, "rename");
                break;
            case SftpFileActionType.Copy:
                fs.Copies = Pairs(f, o, "copy", p, "copy");
                break;
            case SftpFileActionType.Delete:
                fs.Deletes = Paths(f, o, "deletes", p);
                break;
            case SftpFileActionType.MakeDirectories:
                fs.MakeDirectories = Paths(f, o, "mkdirs", p);
                break;
            case SftpFileActionType.Exist:
                fs.Exist = Paths(f, o, "exist", p);
                break;
            case SftpFileActionType.Compress:
                var compress = f.OptionalObject(o, "compress", p, "The compress settings", ["name", "paths"]);
                fs.Compress = new SftpCompressSettings
                {
                    Name = compress is null ? "" : f.String(compress, "name", p + ".compress", NameRules.MaxPathLength)?.Trim() ?? "",
                    Paths = compress is null ? [] : f.Strings(compress, "paths", p + ".compress").Distinct(StringComparer.Ordinal).ToList(),
                };
                if (fs.Compress.Name.Length == 0 || fs.Compress.Name == "/")
                {
                    f.Errors.Add(p + ".compress.name", "The archive path is required.");
                }
                if (fs.Compress.Paths.Count == 0)
                {
                    f.Errors.Add(p + ".compress.paths", "At least one path to compress is required.");
                }
                break;
        }
        return fs;
    }

    private static List<string> Paths(JsonFields f, JsonObject o, string name, string prefix)
    {
        var list = f.Strings(o, name, prefix).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            f.Errors.Add(JsonFields.Path(prefix, name), "At least one path is required.");
        }
        return list;
    }

    private static List<SftpKeyValue> Pairs(JsonFields f, JsonObject o, string name, string prefix, string verb)
    {
        var list = f.KeyValues(o, name, prefix);
        if (list.Count == 0)
        {
            f.Errors.Add(JsonFields.Path(prefix, name), $"At least one path to {verb} is required.");
        }
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Key.Trim() == list[i].Value.Trim())
            {
                f.Errors.Add($"{prefix}.{name}[{i}]", $"The {verb} source and target must differ.");
            }
            if (list[i].Key.Trim() == "/" || list[i].Value.Trim() == "/")
            {
                f.Errors.Add($"{prefix}.{name}[{i}]", $"The root directory cannot be a {verb} source or target.");
            }
        }
        return list;
    }
}
