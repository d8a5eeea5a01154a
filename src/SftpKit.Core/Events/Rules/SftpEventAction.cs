namespace SftpKit.Events.Rules;

/// <summary>
/// A reusable action (SFTPGo's event manager model), named by rules. <see cref="Type"/> says which of the option
/// blocks in <see cref="Options"/> applies; the others are ignored. Kept by an <see cref="ISftpEventRuleStore"/>.
/// Secrets in the options (HTTP password, SMTP password) are kept encrypted by the store through the secret protector.
/// </summary>
public sealed class SftpEventAction
{
    /// <summary>The name (1–255 characters, no control characters, <c>/</c> or <c>\</c>), unique per server.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>What the action does.</summary>
    public SftpEventActionType Type { get; set; } = SftpEventActionType.Http;

    /// <summary>The type-specific settings.</summary>
    public SftpEventActionSettings Options { get; set; } = new();

    /// <summary>A deep copy.</summary>
    public SftpEventAction Clone()
    {
        var copy = (SftpEventAction)MemberwiseClone();
        copy.Options = Options.Clone();
        return copy;
    }
}

/// <summary>What an <see cref="SftpEventAction"/> does. Values keep SFTPGo's numbers.</summary>
public enum SftpEventActionType
{
    /// <summary>An HTTP request (<see cref="SftpEventActionSettings.Http"/>).</summary>
    Http = 1,

    /// <summary>An allow-listed program (<see cref="SftpEventActionSettings.Command"/>).</summary>
    Command = 2,

    /// <summary>An e-mail (<see cref="SftpEventActionSettings.Email"/>).</summary>
    Email = 3,

    /// <summary>A backup of the account store to a path (<see cref="SftpEventActionSettings.Backup"/>).</summary>
    Backup = 4,

    /// <summary>Rescan the quota usage of the matching accounts.</summary>
    UserQuotaReset = 5,

    /// <summary>Rescan the quota usage of the matching virtual folders.</summary>
    FolderQuotaReset = 6,

    /// <summary>Reset the data-transfer counters of the matching accounts.</summary>
    TransferQuotaReset = 7,

    /// <summary>Run the data retention check (<see cref="SftpEventActionSettings.Retention"/>).</summary>
    DataRetentionCheck = 8,

    /// <summary>Act on files in the account's storage, through its policies (<see cref="SftpEventActionSettings.FileSystem"/>).</summary>
    FileSystem = 9,

    /// <summary>Notify (by e-mail) accounts whose password expires within <see cref="SftpEventActionSettings.PasswordExpirationThresholdDays"/>.</summary>
    PasswordExpirationCheck = 11,

    /// <summary>Report accounts past their expiration date (the run fails, naming them, so a failure action can notify).</summary>
    UserExpirationCheck = 12,

    /// <summary>Disable or delete accounts idle longer than the thresholds in <see cref="SftpEventActionSettings.Inactivity"/>.</summary>
    UserInactivityCheck = 14,
}

/// <summary>The type-specific settings of an <see cref="SftpEventAction"/>; only the block for its type is read.</summary>
public sealed class SftpEventActionSettings
{
    /// <summary>For <see cref="SftpEventActionType.Http"/>.</summary>
    public SftpHttpActionSettings? Http { get; set; }

    /// <summary>For <see cref="SftpEventActionType.Command"/>.</summary>
    public SftpCommandActionSettings? Command { get; set; }

    /// <summary>For <see cref="SftpEventActionType.Email"/>.</summary>
    public SftpEmailActionSettings? Email { get; set; }

    /// <summary>For <see cref="SftpEventActionType.Backup"/>.</summary>
    public SftpBackupActionSettings? Backup { get; set; }

    /// <summary>For <see cref="SftpEventActionType.DataRetentionCheck"/>.</summary>
    public SftpRetentionActionSettings? Retention { get; set; }

    /// <summary>For <see cref="SftpEventActionType.FileSystem"/>.</summary>
    public SftpFileActionSettings? FileSystem { get; set; }

    /// <summary>For <see cref="SftpEventActionType.PasswordExpirationCheck"/>: days before expiry to notify. Defaults to 0 (none).</summary>
    public int PasswordExpirationThresholdDays { get; set; }

    /// <summary>For <see cref="SftpEventActionType.UserInactivityCheck"/>.</summary>
    public SftpInactivityActionSettings? Inactivity { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpEventActionSettings Clone() => new()
    {
        Http = Http?.Clone(),
        Command = Command?.Clone(),
        Email = Email?.Clone(),
        Backup = Backup?.Clone(),
        Retention = Retention?.Clone(),
        FileSystem = FileSystem?.Clone(),
        PasswordExpirationThresholdDays = PasswordExpirationThresholdDays,
        Inactivity = Inactivity?.Clone(),
    };
}

/// <summary>A name and a templated value (headers, query parameters, environment variables, renames).</summary>
public sealed class SftpKeyValue
{
    /// <summary>The key (for renames and copies: the source path).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The value, with placeholders such as <c>{{VirtualPath}}</c> (for renames and copies: the target path).</summary>
    public string Value { get; set; } = string.Empty;

    /// <summary>A copy.</summary>
    public SftpKeyValue Clone() => (SftpKeyValue)MemberwiseClone();
}

/// <summary>Settings of an HTTP action.</summary>
public sealed class SftpHttpActionSettings
{
    /// <summary>An absolute http or https URL; placeholders allowed in the query part.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>GET, POST, PUT or DELETE. Defaults to POST.</summary>
    public string Method { get; set; } = "POST";

    /// <summary>Basic-auth user name, optional.</summary>
    public string? Username { get; set; }

    /// <summary>Basic-auth password, optional; stored encrypted, never returned by the API in clear.</summary>
    public string? Password { get; set; }

    /// <summary>Request headers (values are templates).</summary>
    public List<SftpKeyValue> Headers { get; set; } = [];

    /// <summary>Query parameters (values are templates).</summary>
    public List<SftpKeyValue> QueryParameters { get; set; } = [];

    /// <summary>The body template (POST/PUT); ignored when <see cref="Parts"/> is not empty.</summary>
    public string? Body { get; set; }

    /// <summary>Multipart parts; a part with <see cref="SftpHttpPart.FilePath"/> attaches that file from the account's storage.</summary>
    public List<SftpHttpPart> Parts { get; set; } = [];

    /// <summary>Per-attempt timeout in seconds, 1–180. Defaults to 20.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>Retries after a failed attempt (5xx, 408, 429, network error), with exponential backoff. 0–10, defaults to 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Skip TLS certificate validation (test servers only). Defaults to false.</summary>
    public bool SkipTlsVerify { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpHttpActionSettings Clone()
    {
        var copy = (SftpHttpActionSettings)MemberwiseClone();
        copy.Headers = Headers.Select(h => h.Clone()).ToList();
        copy.QueryParameters = QueryParameters.Select(h => h.Clone()).ToList();
        copy.Parts = Parts.Select(p => p.Clone()).ToList();
        return copy;
    }
}

/// <summary>One part of a multipart HTTP action.</summary>
public sealed class SftpHttpPart
{
    /// <summary>The form field name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>A virtual path template of a file to attach; null for a text part.</summary>
    public string? FilePath { get; set; }

    /// <summary>The content type of a text part (defaults to text/plain).</summary>
    public string? ContentType { get; set; }

    /// <summary>The text template of a text part.</summary>
    public string? Body { get; set; }

    /// <summary>Extra headers of the part.</summary>
    public List<SftpKeyValue> Headers { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public SftpHttpPart Clone()
    {
        var copy = (SftpHttpPart)MemberwiseClone();
        copy.Headers = Headers.Select(h => h.Clone()).ToList();
        return copy;
    }
}

/// <summary>Settings of a command action. The program must be in the server's allow-list.</summary>
public sealed class SftpCommandActionSettings
{
    /// <summary>An absolute path to the program (run without a shell).</summary>
    public string Command { get; set; } = string.Empty;

    /// <summary>Arguments (templates).</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Environment variables (values are templates).</summary>
    public List<SftpKeyValue> EnvironmentVariables { get; set; } = [];

    /// <summary>Timeout in seconds, 1–600. Defaults to 20.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>A deep copy.</summary>
    public SftpCommandActionSettings Clone()
    {
        var copy = (SftpCommandActionSettings)MemberwiseClone();
        copy.Arguments = [.. Arguments];
        copy.EnvironmentVariables = EnvironmentVariables.Select(e => e.Clone()).ToList();
        return copy;
    }
}

/// <summary>Settings of an e-mail action (sent through the server's SMTP settings).</summary>
public sealed class SftpEmailActionSettings
{
    /// <summary>Recipients (templates).</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Blind-copy recipients (templates).</summary>
    public List<string> Bcc { get; set; } = [];

    /// <summary>The subject template.</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>The body template.</summary>
    public string Body { get; set; } = string.Empty;

    /// <summary>When true the body is HTML, otherwise plain text.</summary>
    public bool Html { get; set; }

    /// <summary>Virtual path templates of files to attach from the account's storage (up to the server's attachment size limit).</summary>
    public List<string> Attachments { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public SftpEmailActionSettings Clone()
    {
        var copy = (SftpEmailActionSettings)MemberwiseClone();
        copy.Recipients = [.. Recipients];
        copy.Bcc = [.. Bcc];
        copy.Attachments = [.. Attachments];
        return copy;
    }
}

/// <summary>Settings of a backup action.</summary>
public sealed class SftpBackupActionSettings
{
    /// <summary>The directory the backup file is written to (server side, absolute, created when missing). Required: there is no server-wide default, and the action fails without one.</summary>
    public string? Directory { get; set; }

    /// <summary>A copy.</summary>
    public SftpBackupActionSettings Clone() => (SftpBackupActionSettings)MemberwiseClone();
}

/// <summary>Settings of a data retention check action.</summary>
public sealed class SftpRetentionActionSettings
{
    /// <summary>Per-folder retention: virtual path and hours (0 = keep forever).</summary>
    public List<SftpRetentionFolder> Folders { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public SftpRetentionActionSettings Clone() => new() { Folders = Folders.Select(f => f.Clone()).ToList() };
}

/// <summary>One folder of a retention action.</summary>
public sealed class SftpRetentionFolder
{
    /// <summary>The virtual path.</summary>
    public string Path { get; set; } = "/";

    /// <summary>Files older than this many hours are deleted; 0 excludes the folder.</summary>
    public int RetentionHours { get; set; }

    /// <summary>Remove directories left empty.</summary>
    public bool DeleteEmptyDirectories { get; set; }

    /// <summary>A copy.</summary>
    public SftpRetentionFolder Clone() => (SftpRetentionFolder)MemberwiseClone();
}

/// <summary>What a file-system action does. Values keep SFTPGo's numbers.</summary>
public enum SftpFileActionType
{
    /// <summary>Rename each <see cref="SftpFileActionSettings.Renames"/> key to its value.</summary>
    Rename = 1,

    /// <summary>Delete each path in <see cref="SftpFileActionSettings.Deletes"/>.</summary>
    Delete = 2,

    /// <summary>Create each directory in <see cref="SftpFileActionSettings.MakeDirectories"/> (with parents).</summary>
    MakeDirectories = 3,

    /// <summary>Fail unless each path in <see cref="SftpFileActionSettings.Exist"/> exists.</summary>
    Exist = 4,

    /// <summary>Write a zip of <see cref="SftpFileActionSettings.Compress"/>'s paths.</summary>
    Compress = 5,

    /// <summary>Copy each <see cref="SftpFileActionSettings.Copies"/> key to its value.</summary>
    Copy = 6,
}

/// <summary>Settings of a file-system action; paths are virtual-path templates in the account's storage.</summary>
public sealed class SftpFileActionSettings
{
    /// <summary>The operation.</summary>
    public SftpFileActionType Type { get; set; } = SftpFileActionType.Rename;

    /// <summary>Source → target pairs for <see cref="SftpFileActionType.Rename"/>.</summary>
    public List<SftpKeyValue> Renames { get; set; } = [];

    /// <summary>Paths for <see cref="SftpFileActionType.Delete"/>.</summary>
    public List<string> Deletes { get; set; } = [];

    /// <summary>Paths for <see cref="SftpFileActionType.MakeDirectories"/>.</summary>
    public List<string> MakeDirectories { get; set; } = [];

    /// <summary>Paths for <see cref="SftpFileActionType.Exist"/>.</summary>
    public List<string> Exist { get; set; } = [];

    /// <summary>Source → target pairs for <see cref="SftpFileActionType.Copy"/>.</summary>
    public List<SftpKeyValue> Copies { get; set; } = [];

    /// <summary>For <see cref="SftpFileActionType.Compress"/>.</summary>
    public SftpCompressSettings? Compress { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpFileActionSettings Clone()
    {
        var copy = (SftpFileActionSettings)MemberwiseClone();
        copy.Renames = Renames.Select(r => r.Clone()).ToList();
        copy.Deletes = [.. Deletes];
        copy.MakeDirectories = [.. MakeDirectories];
        copy.Exist = [.. Exist];
        copy.Copies = Copies.Select(c => c.Clone()).ToList();
        copy.Compress = Compress?.Clone();
        return copy;
    }
}

/// <summary>What to compress and where.</summary>
public sealed class SftpCompressSettings
{
    /// <summary>The virtual path template of the zip to write.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Files and directories (recursively) to put in it.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public SftpCompressSettings Clone() => new() { Name = Name, Paths = [.. Paths] };
}

/// <summary>Thresholds of a user inactivity check (days since the last login; 0 disables that step).</summary>
public sealed class SftpInactivityActionSettings
{
    /// <summary>Disable accounts idle this many days.</summary>
    public int DisableThresholdDays { get; set; }

    /// <summary>Delete accounts idle this many days.</summary>
    public int DeleteThresholdDays { get; set; }

    /// <summary>A copy.</summary>
    public SftpInactivityActionSettings Clone() => (SftpInactivityActionSettings)MemberwiseClone();
}
