namespace SftpKit.Events;

/// <summary>What happened (or is about to happen) in an <see cref="SftpEvent"/>.</summary>
public enum SftpEventKind
{
    /// <summary>A file was written by the client (SFTP write handle, SCP sink). <see cref="SftpEvent.Size"/> is the bytes written.</summary>
    Upload,

    /// <summary>A file was read by the client. <see cref="SftpEvent.Size"/> is the bytes read.</summary>
    Download,

    /// <summary>A file was removed.</summary>
    Delete,

    /// <summary>A file or directory was renamed to <see cref="SftpEvent.TargetPath"/>.</summary>
    Rename,

    /// <summary>A directory was created.</summary>
    Mkdir,

    /// <summary>A directory was removed.</summary>
    Rmdir,

    /// <summary>A symbolic link <see cref="SftpEvent.Path"/> pointing to <see cref="SftpEvent.TargetPath"/> was created.</summary>
    Symlink,

    /// <summary>Permission bits were changed.</summary>
    Chmod,

    /// <summary>Owner or group was changed.</summary>
    Chown,

    /// <summary>Access or modification times were changed.</summary>
    Chtimes,

    /// <summary>A file was truncated to <see cref="SftpEvent.Size"/> bytes.</summary>
    Truncate,

    /// <summary>A server-side copy of <see cref="SftpEvent.Path"/> to <see cref="SftpEvent.TargetPath"/>.</summary>
    Copy,

    /// <summary>An exec request; <see cref="SftpEvent.Path"/> holds the command line.</summary>
    SshCommand,

    /// <summary>A user logged in.</summary>
    Login,

    /// <summary>A login attempt failed.</summary>
    LoginFailed,

    /// <summary>
    /// A client connected (protocol <see cref="SftpEventProtocol.Ssh"/>, <see cref="SftpEvent.UserName"/> null). The
    /// pre-event is raised for every admitted connection after the TCP accept and the PROXY protocol header (so
    /// <see cref="SftpEvent.RemoteAddress"/> is the real client) and before the SSH version exchange: a deny closes the
    /// connection with SSH_MSG_DISCONNECT HOST_NOT_ALLOWED_TO_CONNECT before any login. The post-event carries the
    /// answer (<see cref="SftpEventStatus.Denied"/> when refused). Hosts dropped by the defender or a connection limit
    /// raise no events.
    /// </summary>
    Connect,

    /// <summary>
    /// A connection ended (post-event only, raised once for every connection that raised
    /// <see cref="Connect"/>): <see cref="SftpEvent.Elapsed"/> is its duration, <see cref="SftpEvent.BytesReceived"/>
    /// and <see cref="SftpEvent.BytesSent"/> its bytes on the wire, <see cref="SftpEvent.UserName"/> the user when it
    /// authenticated. Status <see cref="SftpEventStatus.Ok"/> after a login, <see cref="SftpEventStatus.Failed"/> (error
    /// "no authentication") without one, <see cref="SftpEventStatus.Denied"/> when the Connect pre-event refused it.
    /// </summary>
    Disconnect,

    /// <summary>
    /// A data retention check of <see cref="SftpEvent.UserName"/> ended (post-event only, protocol
    /// <see cref="SftpEventProtocol.Server"/>): <see cref="SftpEvent.Size"/> is the bytes deleted, <see cref="SftpEvent.Elapsed"/>
    /// its duration; <see cref="SftpEvent.Properties"/> carry <c>deleted_files</c>, <c>deleted_bytes</c>, <c>errors</c> and
    /// <c>policies</c> (<c>/path:hours</c>, comma-separated). Status <c>Failed</c> when a file could not be deleted or the walk stopped.
    /// </summary>
    RetentionCheck,

    /// <summary>
    /// An account, admin, group, folder, role, share, API key, event rule or event action was added, updated or deleted
    /// (post-event only, protocol <see cref="SftpEventProtocol.Server"/>, or <see cref="SftpEventProtocol.Http"/> when an
    /// admin did it over HTTP). <see cref="SftpEvent.UserName"/> is the admin (or the account itself) that made the change;
    /// <see cref="SftpEvent.Properties"/> carry <c>action</c> (<c>add</c>, <c>update</c>, <c>delete</c>),
    /// <c>object_type</c> (<c>user</c>, <c>admin</c>, <c>group</c>, <c>folder</c>, <c>role</c>, <c>share</c>,
    /// <c>api_key</c>, <c>event_rule</c>, <c>event_action</c>) and <c>object_name</c>. Raise it with
    /// <see cref="SftpProviderEvents.Raise"/>.
    /// </summary>
    ProviderChange,

    /// <summary>The defender banned <see cref="SftpEvent.RemoteAddress"/> (post-event only, protocol <see cref="SftpEventProtocol.Server"/>).</summary>
    IpBlocked,
}

/// <summary>The outcome carried by an <see cref="SftpEvent"/>.</summary>
public enum SftpEventStatus
{
    /// <summary>The operation succeeded (pre-events always carry this status).</summary>
    Ok,

    /// <summary>The operation failed; <see cref="SftpEvent.Error"/> holds a generic reason.</summary>
    Failed,

    /// <summary>The operation was refused by a permission, a policy or a pre-event handler.</summary>
    Denied,
}
