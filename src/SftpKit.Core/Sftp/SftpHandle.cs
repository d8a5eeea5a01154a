namespace SftpKit.Sftp;

/// <summary>An open file or directory of one session, named by an opaque handle string.</summary>
internal abstract class SftpHandle : IAsyncDisposable
{
    protected SftpHandle(string path) => Path = path;

    /// <summary>The handle string the client quotes (assigned by <see cref="SftpHandleTable"/>).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The normalised virtual path it was opened with.</summary>
    public string Path { get; }

    /// <summary>Requests on this handle run in arrival order.</summary>
    public SftpRequestQueue Queue { get; } = new();

    /// <summary>Set by CLOSE: requests still queued behind it fail as on an unknown handle.</summary>
    public bool Closed { get; set; }

    public abstract ValueTask DisposeAsync();
}
