namespace SftpKit.Events;

/// <summary>
/// A command action: runs <see cref="FileName"/> directly (no shell) for each event, with the event in environment
/// variables <c>SFTPKIT_ACTION</c>, <c>SFTPKIT_PHASE</c>, <c>SFTPKIT_USERNAME</c>, <c>SFTPKIT_PATH</c>,
/// <c>SFTPKIT_TARGET_PATH</c>, <c>SFTPKIT_SIZE</c>, <c>SFTPKIT_STATUS</c>, <c>SFTPKIT_ERROR</c>,
/// <c>SFTPKIT_PROTOCOL</c>, <c>SFTPKIT_REMOTE_ADDRESS</c>, <c>SFTPKIT_CONNECTION_ID</c>, <c>SFTPKIT_SESSION_ID</c>,
/// <c>SFTPKIT_ELAPSED_MS</c>, <c>SFTPKIT_BYTES_RECEIVED</c>, <c>SFTPKIT_BYTES_SENT</c> (the connection's bytes on the
/// wire, set for <c>disconnect</c>), <c>SFTPKIT_TIMESTAMP</c> (empty when unknown). Standard input is empty; output is
/// discarded. A run past <see cref="SftpEventActionOptions.Timeout"/> is killed with its process tree. For pre-events a
/// non-zero exit status denies the operation; a kill or a failure to start counts as a handler failure
/// (<see cref="SftpEventOptions.AllowOnPreEventFailure"/>).
/// </summary>
public sealed class CommandEventActionOptions : SftpEventActionOptions
{
    /// <summary>The executable; a name without a directory is looked up in <c>PATH</c>. Required.</summary>
    public string? FileName { get; set; }

    /// <summary>Arguments, passed as they are (no shell quoting or expansion). Defaults to none.</summary>
    public IList<string> Arguments { get; } = new List<string>();

    /// <summary>The working directory. Defaults to null: the server's current directory.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// When false (the default) the command sees only <c>PATH</c>, <see cref="Environment"/> and the <c>SFTPKIT_*</c>
    /// variables, so the server's own secrets in its environment do not leak to it; when true it inherits the server's
    /// whole environment.
    /// </summary>
    public bool InheritEnvironment { get; set; }

    /// <summary>Extra environment variables; the <c>SFTPKIT_*</c> variables win over these. Defaults to none.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
