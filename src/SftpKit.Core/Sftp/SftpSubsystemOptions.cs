namespace SftpKit.Sftp;

/// <summary>How uploads reach their target name.</summary>
public enum SftpUploadMode
{
    /// <summary>
    /// Uploads are written aside and appear under their name only when the client closes the handle (the last of its
    /// handles, when one session opens the file more than once); a client that disconnects mid-upload leaves no partial
    /// file. The session writing a file sees it while it is in flight (STAT, SETSTAT, a second OPEN), other sessions
    /// see the old file until it is published.
    /// </summary>
    Atomic,

    /// <summary>Uploads write into the named file as data arrives (classic sftp-server behaviour).</summary>
    Standard,
}

/// <summary>Options of the SFTP subsystem.</summary>
public sealed class SftpSubsystemOptions
{
    /// <summary>How uploads reach their target name. Defaults to <see cref="SftpUploadMode.Atomic"/>.</summary>
    public SftpUploadMode UploadMode { get; set; } = SftpUploadMode.Atomic;

    /// <summary>
    /// Serves every session read-only (as OpenSSH's <c>sftp-server -R</c>): requests that would change the file system
    /// (WRITE, SETSTAT, REMOVE, MKDIR, RENAME, links, OPEN for write, create or truncate, and the writing extensions)
    /// are answered PERMISSION_DENIED without reaching it. Defaults to false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// Most files and directories one session may hold open (advertised through limits@openssh.com).
    /// Defaults to 256.
    /// </summary>
    public int MaxOpenHandles { get; set; } = 256;

    /// <summary>
    /// Most requests of one session being processed at once; past it the server stops reading from the channel,
    /// which pushes back on the client through the SSH window. Defaults to 64.
    /// </summary>
    public int MaxInFlightRequests { get; set; } = 64;

    /// <summary>
    /// Most bytes of WRITE requests one session holds at once (read off the channel, not yet written to storage);
    /// past it the server stops reading, like <see cref="MaxInFlightRequests"/>. Bounds a session's memory when the
    /// storage is slower than the client (an object store): without it, 64 pipelined 255 KiB WRITEs hold 16 MiB per
    /// session. A single WRITE larger than the budget is still accepted when none is pending. Defaults to 2 MiB
    /// (eight 255 KiB WRITEs, or 64 of 32 KiB).
    /// </summary>
    public long MaxInFlightWriteBytes { get; set; } = 2L * 1024 * 1024;

    /// <summary>
    /// Bytes of out-of-order WRITE data held in memory per handle before the upload switches to random-access
    /// writes or a temporary file. Defaults to 8 MiB.
    /// </summary>
    public long ReorderWindowBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Directory of the temporary files an out-of-order upload spills to past <see cref="ReorderWindowBytes"/> when
    /// its storage writes sequentially only (object stores). Files are readable by the server's user only and removed
    /// when the upload ends. Defaults to null: the system temp directory.
    /// </summary>
    public string? TempDirectory { get; set; }

    /// <summary>
    /// Age past which spill files left in <see cref="TempDirectory"/> (by a process that died mid-upload) are deleted;
    /// the directory is swept when a spill starts, at most once a minute. Defaults to 24 hours.
    /// </summary>
    public TimeSpan TempFilesLifespan { get; set; } = TimeSpan.FromHours(24);
}
