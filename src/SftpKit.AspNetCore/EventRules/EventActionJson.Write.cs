using System.Text.Json.Nodes;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>Writing event actions as the admin API's JSON (secrets redacted).</summary>
internal static partial class EventActionJson
{
    /// <summary>The action as JSON, with the names of the rules that use it (<c>rules</c>) and its secret redacted.</summary>
    public static JsonObject Write(SftpEventAction action, IEnumerable<string>? rules = null)
    {
        var options = new JsonObject();
        var o = action.Options;
        switch (action.Type)
        {
            case SftpEventActionType.Http when o.Http is { } http:
                var h = new JsonObject
                {
                    ["endpoint"] = http.Endpoint,
                    ["method"] = http.Method,
                    ["timeout"] = http.TimeoutSeconds,
                    ["max_retries"] = http.MaxRetries,
                    ["skip_tls_verify"] = http.SkipTlsVerify,
                    ["headers"] = JsonFields.KeyValuesNode(http.Headers),
                    ["query_parameters"] = JsonFields.KeyValuesNode(http.QueryParameters),
                };
                if (http.Username is not null)
                {
                    h["username"] = http.Username;
                }
                if (!string.IsNullOrEmpty(http.Password))
                {
                    h["password"] = new JsonObject { ["status"] = Redacted };
                }
                if (http.Body is not null)
                {
                    h["body"] = http.Body;
                }
                if (http.Parts.Count > 0)
                {
                    h["parts"] = new JsonArray(http.Parts.Select(part =>
                    {
                        var n = new JsonObject { ["name"] = part.Name, ["headers"] = JsonFields.KeyValuesNode(part.Headers) };
                        if (part.FilePath is not null)
                        {
                            n["filepath"] = part.FilePath;
                        }
                        if (part.Body is not null)
                        {
                            n["body"] = part.Body;
                        }
                        if (part.ContentType is not null)
                        {
                            n["content_type"] = part.ContentType;
                        }
                        return (JsonNode)n;
                    }).ToArray());
                }
                options["http_config"] = h;
                break;
            case SftpEventActionType.Command when o.Command is { } cmd:
                options["cmd_config"] = new JsonObject
                {
                    ["cmd"] = cmd.Command,
                    ["args"] = JsonFields.StringsNode(cmd.Arguments),
                    ["timeout"] = cmd.TimeoutSeconds,
                    ["env_vars"] = JsonFields.KeyValuesNode(cmd.EnvironmentVariables),
                };
                break;
            case SftpEventActionType.Email when o.Email is { } email:
                options["email_config"] = new JsonObject
                {
                    ["recipients"] = JsonFields.StringsNode(email.Recipients),
                    ["bcc"] = JsonFields.StringsNode(email.Bcc),
                    ["subject"] = email.Subject,
                    ["body"] = email.Body,
                    ["content_type"] = email.Html ? 1 : 0,
                    ["attachments"] = JsonFields.StringsNode(email.Attachments),
                };
                break;
            case SftpEventActionType.DataRetentionCheck when o.Retention is { } retention:
                options["retention_config"] = new JsonObject
                {
                    ["folders"] = new JsonArray(retention.Folders.Select(x => (JsonNode)new JsonObject
                    {
                        ["path"] = x.Path,
                        ["retention"] = x.RetentionHours,
                        ["delete_empty_dirs"] = x.DeleteEmptyDirectories,
                    }).ToArray()),
                };
                break;
            case SftpEventActionType.FileSystem when o.FileSystem is { } fs:
                var node = new JsonObject { ["type"] = (int)fs.Type };
                switch (fs.Type)
                {
                    case SftpFileActionType.Rename:
                        node["renames"] = JsonFields.KeyValuesNode(fs.Renames);
                        break;
                    case SftpFileActionType.Copy:
                        node["copy"] = JsonFields.KeyValuesNode(fs.Copies);
                        break;
                    case SftpFileActionType.Delete:
                        node["deletes"] = JsonFields.StringsNode(fs.Deletes);
                        break;
                    case SftpFileActionType.MakeDirectories:
                        node["mkdirs"] = JsonFields.StringsNode(fs.MakeDirectories);
                        break;
                    case SftpFileActionType.Exist:
                        node["exist"] = JsonFields.StringsNode(fs.Exist);
                        break;
                    case SftpFileActionType.Compress:
                        node["compress"] = new JsonObject { ["name"] = fs.Compress?.Name ?? "", ["paths"] = JsonFields.StringsNode(fs.Compress?.Paths ?? []) };
                        break;
                }
                options["fs_config"] = node;
                break;
            case SftpEventActionType.Backup:
                options["backup_config"] = o.Backup?.Directory is { } dir ? new JsonObject { ["directory"] = dir } : new JsonObject();
                break;
            case SftpEventActionType.PasswordExpirationCheck:
                options["pwd_expiration_config"] = new JsonObject { ["threshold"] = o.PasswordExpirationThresholdDays };
                break;
            case SftpEventActionType.UserInactivityCheck:
                options["user_inactivity_config"] = new JsonObject
                {
                    ["disable_threshold"] = o.Inactivity?.DisableThresholdDays ?? 0,
                    ["delete_threshold"] = o.Inactivity?.DeleteThresholdDays ?? 0,
                };
                break;
        }
        var result = new JsonObject { ["name"] = action.Name };
        if (action.Description is not null)
        {
            result["description"] = action.Description;
        }
        result["type"] = (int)action.Type;
        result["options"] = options;
        if (rules is not null)
        {
            result["rules"] = JsonFields.StringsNode(rules);
        }
        return result;
    }

    /// <summary>A short name of an action type for people.</summary>
    public static string TypeName(SftpEventActionType type) => type switch
    {
        SftpEventActionType.Http => "HTTP",
        SftpEventActionType.Command => "Command",
        SftpEventActionType.Email => "E-mail",
        SftpEventActionType.Backup => "Backup",
        SftpEventActionType.UserQuotaReset => "User quota reset",
        SftpEventActionType.FolderQuotaReset => "Folder quota reset",
        SftpEventActionType.TransferQuotaReset => "Transfer quota reset",
        SftpEventActionType.DataRetentionCheck => "Data retention check",
        SftpEventActionType.FileSystem => "File system",
        SftpEventActionType.PasswordExpirationCheck => "Password expiration check",
        SftpEventActionType.UserExpirationCheck => "User expiration check",
        SftpEventActionType.UserInactivityCheck => "User inactivity check",
        _ => type.ToString(),
    };

}
