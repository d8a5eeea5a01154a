namespace SftpKit.Events;

/// <summary>The stable lower-case names events carry in logs, JSON and environment variables.</summary>
internal static class SftpEventNames
{
    public static string Action(SftpEventKind kind) => kind switch
    {
        SftpEventKind.Upload => "upload",
        SftpEventKind.Download => "download",
        SftpEventKind.Delete => "delete",
        SftpEventKind.Rename => "rename",
        SftpEventKind.Mkdir => "mkdir",
        SftpEventKind.Rmdir => "rmdir",
        SftpEventKind.Symlink => "symlink",
        SftpEventKind.Chmod => "chmod",
        SftpEventKind.Chown => "chown",
        SftpEventKind.Chtimes => "chtimes",
        SftpEventKind.Truncate => "truncate",
        SftpEventKind.Copy => "copy",
        SftpEventKind.SshCommand => "ssh_command",
        SftpEventKind.Login => "login",
        SftpEventKind.LoginFailed => "login_failed",
        SftpEventKind.Connect => "connect",
        SftpEventKind.Disconnect => "disconnect",
        SftpEventKind.RetentionCheck => "retention_check",
        SftpEventKind.ProviderChange => "provider_change",
        SftpEventKind.IpBlocked => "ip_blocked",
        _ => "unknown",
    };

    public static string Status(SftpEventStatus status) => status switch
    {
        SftpEventStatus.Ok => "ok",
        SftpEventStatus.Failed => "failed",
        SftpEventStatus.Denied => "denied",
        _ => "unknown",
    };

    public static string Phase(bool pre) => pre ? "pre" : "post";

    public static long? Milliseconds(TimeSpan? elapsed) => elapsed is { } value ? (long)value.TotalMilliseconds : null;
}
