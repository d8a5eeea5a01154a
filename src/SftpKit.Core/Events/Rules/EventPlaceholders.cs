using System.Globalization;

namespace SftpKit.Events.Rules;

/// <summary>
/// The placeholder values of a run, with SFTPGo's names: <c>Name</c>, <c>Event</c>, <c>Status</c> (1 ok, 2 error,
/// 3 quota exceeded), <c>StatusString</c> (<c>OK</c>/<c>KO</c>), <c>ErrorString</c>, <c>VirtualPath</c>,
/// <c>VirtualDirPath</c>, <c>VirtualTargetPath</c>, <c>VirtualTargetDirPath</c>, <c>TargetName</c>, <c>ObjectName</c>,
/// <c>ObjectType</c>, <c>FileSize</c>, <c>Elapsed</c> (ms), <c>Protocol</c>, <c>IP</c>, <c>Role</c>, <c>Timestamp</c>
/// (Unix nanoseconds), <c>DateTime</c> (ISO 8601 UTC), <c>Year</c>, <c>Month</c>, <c>Day</c>, <c>Hour</c>,
/// <c>Minute</c>, <c>RuleName</c>, <c>UID</c> (the run id) and <c>Username</c> (an alias of <c>Name</c> for
/// accounts). <c>FsPath</c> and <c>FsTargetPath</c> are the virtual paths: storage paths are never exposed.
/// </summary>
internal static class EventPlaceholders
{
    public static Dictionary<string, string> Build(SftpEventRule rule, string eventName, SftpEvent? e, string? userName, string? role,
        DateTimeOffset now, string runId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["RuleName"] = rule.Name,
            ["Event"] = eventName,
            ["UID"] = runId,
            ["Role"] = role ?? string.Empty,
        };
        var at = (e?.Timestamp ?? now).ToUniversalTime();
        values["Timestamp"] = ((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
        values["DateTime"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        values["Year"] = at.ToString("yyyy", CultureInfo.InvariantCulture);
        values["Month"] = at.ToString("MM", CultureInfo.InvariantCulture);
        values["Day"] = at.ToString("dd", CultureInfo.InvariantCulture);
        values["Hour"] = at.ToString("HH", CultureInfo.InvariantCulture);
        values["Minute"] = at.ToString("mm", CultureInfo.InvariantCulture);

        string name = userName ?? e?.UserName ?? string.Empty;
        if (e is null)
        {
            values["Name"] = values["Username"] = name;
            values["Status"] = "1";
            values["StatusString"] = "OK";
            values["ErrorString"] = string.Empty;
            values["ObjectName"] = name;
            values["ObjectType"] = string.IsNullOrEmpty(name) ? string.Empty : SftpProviderEvents.User;
            return values;
        }
        values["Protocol"] = e.Protocol;
        values["IP"] = HostOf(e.RemoteAddress);
        values["Status"] = e.Status switch
        {
            SftpEventStatus.Ok => "1",
            _ when string.Equals(e.Error, "QuotaExceeded", StringComparison.Ordinal) => "3",
            _ => "2",
        };
        values["StatusString"] = e.Status == SftpEventStatus.Ok ? "OK" : "KO";
        values["ErrorString"] = e.Error ?? (e.Status == SftpEventStatus.Ok ? string.Empty : e.Status.ToString());
        values["Elapsed"] = e.Elapsed is { } elapsed ? ((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : string.Empty;
        values["FileSize"] = e.Size?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        if (e.Kind == SftpEventKind.ProviderChange)
        {
            values["Name"] = e.Properties.GetValueOrDefault("object_name") ?? string.Empty;
            values["ObjectName"] = values["Name"];
            values["ObjectType"] = e.Properties.GetValueOrDefault("object_type") ?? string.Empty;
            values["Username"] = e.UserName ?? string.Empty;
            return values;
        }
        values["Name"] = values["Username"] = name;
        if (e.Kind == SftpEventKind.SshCommand)
        {
            values["SSHCommand"] = e.Path ?? string.Empty;
            return values;
        }
        if (e.Path is { } path && e.Kind is not (SftpEventKind.Login or SftpEventKind.LoginFailed or SftpEventKind.Connect or SftpEventKind.Disconnect))
        {
            values["VirtualPath"] = values["FsPath"] = path;
            values["VirtualDirPath"] = DirOf(path);
            values["ObjectName"] = BaseOf(path);
            values["ObjectType"] = e.Kind is SftpEventKind.Mkdir or SftpEventKind.Rmdir ? "directory" : "file";
        }
        if (e.TargetPath is { } target)
        {
            values["VirtualTargetPath"] = values["FsTargetPath"] = target;
            values["VirtualTargetDirPath"] = DirOf(target);
            values["TargetName"] = BaseOf(target);
        }
        return values;
    }

    /// <summary>The address without its port (<c>127.0.0.1:5000</c> → <c>127.0.0.1</c>, <c>[::1]:5000</c> → <c>::1</c>).</summary>
    internal static string HostOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return string.Empty;
        }
        if (System.Net.IPEndPoint.TryParse(address, out var endPoint) && (address.Contains(']', StringComparison.Ordinal) || address.Count(c => c == ':') == 1))
        {
            return endPoint.Address.ToString();
        }
        return address;
    }

    private static string DirOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static string BaseOf(string path)
    {
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }
}
