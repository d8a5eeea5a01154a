using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// What every request handler of one session shares: the file system, options, open handles and the reply path, the
/// reply encoders (STATUS, HANDLE, ATTRS, NAME), and the handler groups <see cref="SftpRequestTable"/>'s rows call.
/// </summary>
internal sealed class SftpRequestContext
{
    public SftpRequestContext(IVirtualFileSystem fs, SftpSubsystemOptions options, SftpOutput output, SftpHandleTable handles,
        ILogger logger, string sessionId, CancellationToken token)
    {
        Fs = fs;
        Options = options;
        Output = output;
        Handles = handles;
        Logger = logger;
        SessionId = sessionId;
        Token = token;
        InFlight = new SftpInFlightUploads();
        Files = new SftpFileRequests(this);
        Paths = new SftpPathRequests(this);
        Directories = new SftpDirectoryRequests(this);
        Storage = new SftpStorageRequests(this);
        CopyData = new SftpCopyDataRequest(this);
        CheckFile = new SftpCheckFileRequest(this);
    }

    public IVirtualFileSystem Fs { get; }

    public SftpSubsystemOptions Options { get; }

    public SftpOutput Output { get; }

    public SftpHandleTable Handles { get; }

    /// <summary>The session's atomic uploads in flight, by path (bounded by the open handles).</summary>
    public SftpInFlightUploads InFlight { get; }

    public ILogger Logger { get; }

    public string SessionId { get; }

    /// <summary>Cancelled when the session ends.</summary>
    public CancellationToken Token { get; }

    /// <summary>OPEN, CLOSE, READ, WRITE, FSTAT, FSETSTAT, fsync.</summary>
    public SftpFileRequests Files { get; }

    /// <summary>Requests by path: STAT, SETSTAT, REMOVE, MKDIR, RENAME, links, realpath and home expansion.</summary>
    public SftpPathRequests Paths { get; }

    /// <summary>OPENDIR, READDIR.</summary>
    public SftpDirectoryRequests Directories { get; }

    /// <summary>statvfs, fstatvfs, limits, users-groups-by-id.</summary>
    public SftpStorageRequests Storage { get; }

    /// <summary>copy-data.</summary>
    public SftpCopyDataRequest CopyData { get; }

    /// <summary>check-file, check-file-handle, check-file-name.</summary>
    public SftpCheckFileRequest CheckFile { get; }

    /// <summary>INIT's answer: VERSION with the table's announced extensions (the client's version is <paramref name="id"/>).</summary>
    public Task SendVersionAsync(uint id)
    {
        SftpLog.SessionStarted(Logger, SessionId, id);
        return Output.SendAsync(SftpRequestTable.CreateVersionReply(), Token).AsTask();
    }

    public ValueTask SendStatusAsync(uint id, SftpStatusCode code, string? message = null)
    {
        var response = SftpResponse.Create(SftpPacketType.Status, id, 64);
        response.WriteUInt32((uint)code);
        response.WriteString(message ?? SftpErrors.MessageFor(code));
        response.WriteString(string.Empty); // language tag
        return Output.SendAsync(response, Token);
    }

    public ValueTask SendOkAsync(uint id) => SendStatusAsync(id, SftpStatusCode.Ok);

    public ValueTask SendBadHandleAsync(uint id) => SendStatusAsync(id, SftpStatusCode.Failure, "Invalid handle");

    public ValueTask SendHandleAsync(uint id, SftpHandle handle)
    {
        var response = SftpResponse.Create(SftpPacketType.Handle, id, 16);
        response.WriteString(handle.Id);
        return Output.SendAsync(response, Token);
    }

    public ValueTask SendAttrsAsync(uint id, VfsFileInfo info)
    {
        var response = SftpResponse.Create(SftpPacketType.Attrs, id, 40);
        response.WriteAttributes(SftpAttributes.From(info));
        return Output.SendAsync(response, Token);
    }

    /// <summary>A NAME with one entry whose long name repeats the name and whose attributes are empty (REALPATH, READLINK).</summary>
    public ValueTask SendSingleNameAsync(uint id, string name)
    {
        var response = SftpResponse.Create(SftpPacketType.Name, id, 32 + (name.Length * 2));
        response.WriteUInt32(1);
        response.WriteString(name);
        response.WriteString(name);
        response.WriteAttributes(SftpAttributes.Empty);
        return Output.SendAsync(response, Token);
    }

    /// <summary>The open handle of type <typeparamref name="T"/> the next field names, or null.</summary>
    public T? FindHandle<T>(ref SftpPayloadReader reader)
        where T : SftpHandle
    {
        var handle = Handles.Find(reader.ReadBytes().Span);
        return handle is T typed && !typed.Closed ? typed : null;
    }

    /// <summary>A client path made into a virtual path: relative paths start at the home directory <c>/</c>.</summary>
    public static string Resolve(string path) => VirtualPath.Normalize(path, VirtualPath.Root);

    public T RequireCapability<T>()
        where T : class
        => VfsCapabilities.Require<T>(Fs);
}
