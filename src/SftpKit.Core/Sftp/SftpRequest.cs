namespace SftpKit.Sftp;

/// <summary>
/// A request's handler: decodes the fields after the type and id (after the name for an extension), calls the file
/// system and sends the reply. Runs on the queue the row's <see cref="SftpHandleLocator"/> chose.
/// </summary>
internal delegate Task SftpRequestHandler(SftpRequestContext context, uint id, SftpPayloadReader reader);

/// <summary>
/// Reads the handle a request names (its reader is a copy the handler never sees), so the dispatcher can put the
/// request on that handle's queue.
/// </summary>
internal delegate ReadOnlyMemory<byte> SftpHandleLocator(ref SftpPayloadReader reader);

/// <summary>Whether a request changes the file system: what a read-only session refuses.</summary>
internal enum SftpWrites
{
    /// <summary>Only reads.</summary>
    No,

    /// <summary>Always writes (refused on a read-only session).</summary>
    Yes,

    /// <summary>OPEN: writes when its flags ask to write, append, create or truncate (as OpenSSH's <c>-R</c>).</summary>
    WhenOpenFlagsWrite,
}

/// <summary>
/// One row of <see cref="SftpRequestTable"/>: the packet type and the request's name (EXTENDED and the extension name), the version string
/// announced in VERSION (null: served but not announced), its handler, whether it writes, the handle whose queue it
/// joins (null: the session's path queue), and whether its packet counts against
/// <see cref="SftpSubsystemOptions.MaxInFlightWriteBytes"/>.
/// </summary>
internal sealed record SftpRequest(
    SftpPacketType Type,
    string Name,
    string? Announced,
    SftpRequestHandler Handler,
    SftpWrites Writes,
    SftpHandleLocator? Locate = null,
    bool HoldsWriteData = false)
{
    /// <summary>The name of the request's span: <c>sftp.</c> and <see cref="Name"/>.</summary>
    public string SpanName { get; } = "sftp." + Name;

    /// <summary>Write, append, create, truncate: the OPEN flags a read-only session refuses.</summary>
    private const SftpOpenFlags WritingOpenFlags = SftpOpenFlags.Write | SftpOpenFlags.Append | SftpOpenFlags.Create | SftpOpenFlags.Truncate;

    /// <summary>True when this request (with these fields) would change the file system.</summary>
    public bool WritesWith(SftpPayloadReader reader)
    {
        switch (Writes)
        {
            case SftpWrites.Yes:
                return true;
            case SftpWrites.WhenOpenFlagsWrite:
                reader.ReadBytes(); // the path
                return ((SftpOpenFlags)reader.ReadUInt32() & WritingOpenFlags) != 0;
            default:
                return false;
        }
    }

    /// <summary>The first field is the handle (READ, WRITE, CLOSE, FSTAT, ...).</summary>
    public static ReadOnlyMemory<byte> FirstField(ref SftpPayloadReader reader) => reader.ReadBytes();
}
