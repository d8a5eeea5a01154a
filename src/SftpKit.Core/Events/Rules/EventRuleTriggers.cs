namespace SftpKit.Events.Rules;

/// <summary>
/// The rule trigger and event name an <see cref="SftpEvent"/> stands for, with the names SFTPGo's rules use: file
/// events (<c>upload</c>, <c>pre-upload</c>, <c>download</c>, <c>pre-download</c>, <c>delete</c>, <c>pre-delete</c>,
/// <c>rename</c>, <c>mkdir</c>, <c>rmdir</c>, <c>copy</c>, <c>ssh_cmd</c>), session events (<c>login</c>,
/// <c>login-failed</c>, <c>connect</c>, <c>disconnect</c>), provider events (<c>add</c>, <c>update</c>,
/// <c>delete</c>) and <c>ip-blocked</c>. <c>first-upload</c> and <c>first-download</c> are derived from
/// <c>upload</c> and <c>download</c> by <see cref="FirstTransferTracker"/>.
/// </summary>
internal static class EventRuleTriggers
{
    public const string FirstUpload = "first-upload";
    public const string FirstDownload = "first-download";
    public const string Schedule = "schedule";
    public const string OnDemand = "on-demand";
    public const string IpBlocked = "ip-blocked";

    /// <summary>The trigger and event name, or null when no rule can react to the event.</summary>
    public static (SftpEventTrigger Trigger, string Name)? Map(SftpEvent e, bool pre)
    {
        if (pre)
        {
            return e.Kind switch
            {
                SftpEventKind.Upload => (SftpEventTrigger.FileSystem, "pre-upload"),
                SftpEventKind.Download => (SftpEventTrigger.FileSystem, "pre-download"),
                SftpEventKind.Delete => (SftpEventTrigger.FileSystem, "pre-delete"),
                _ => null,
            };
        }
        return e.Kind switch
        {
            SftpEventKind.Upload => (SftpEventTrigger.FileSystem, "upload"),
            SftpEventKind.Download => (SftpEventTrigger.FileSystem, "download"),
            SftpEventKind.Delete => (SftpEventTrigger.FileSystem, "delete"),
            SftpEventKind.Rename => (SftpEventTrigger.FileSystem, "rename"),
            SftpEventKind.Mkdir => (SftpEventTrigger.FileSystem, "mkdir"),
            SftpEventKind.Rmdir => (SftpEventTrigger.FileSystem, "rmdir"),
            SftpEventKind.Copy => (SftpEventTrigger.FileSystem, "copy"),
            SftpEventKind.SshCommand => (SftpEventTrigger.FileSystem, "ssh_cmd"),
            SftpEventKind.Login => (SftpEventTrigger.Session, "login"),
            SftpEventKind.LoginFailed => (SftpEventTrigger.Session, "login-failed"),
            SftpEventKind.Connect => (SftpEventTrigger.Session, "connect"),
            SftpEventKind.Disconnect => (SftpEventTrigger.Session, "disconnect"),
            SftpEventKind.ProviderChange when e.Properties.TryGetValue("action", out var action) => (SftpEventTrigger.Provider, action),
            SftpEventKind.IpBlocked => (SftpEventTrigger.IpBlocked, IpBlocked),
            _ => null,
        };
    }

    /// <summary>The event-name list of <paramref name="rule"/>'s trigger; null for triggers without one.</summary>
    public static List<string>? Names(SftpEventRule rule) => rule.Trigger switch
    {
        SftpEventTrigger.FileSystem => rule.Conditions.FsEvents,
        SftpEventTrigger.Provider => rule.Conditions.ProviderEvents,
        SftpEventTrigger.Session => rule.Conditions.SessionEvents,
        _ => null,
    };
}
