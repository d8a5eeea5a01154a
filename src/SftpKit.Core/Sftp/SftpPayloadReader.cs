using System.Buffers.Binary;
using System.Text;

namespace SftpKit.Sftp;

/// <summary>
/// Reads SSH wire fields from one request's payload. Running past the end is a malformed packet
/// (<see cref="SftpProtocolException"/>), which ends the session as OpenSSH's sftp-server does.
/// </summary>
internal struct SftpPayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    public SftpPayloadReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public uint ReadUInt32()
    {
        var span = Take(4);
        return BinaryPrimitives.ReadUInt32BigEndian(span);
    }

    public ulong ReadUInt64()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadUInt64BigEndian(span);
    }

    public byte ReadByte() => Take(1)[0];

    /// <summary>A <c>string</c> field as raw bytes.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        uint length = ReadUInt32();
        if (length > Remaining)
        {
            throw new SftpProtocolException("String runs past the packet.");
        }
        var result = _data.Slice(_position, (int)length);
        _position += (int)length;
        return result;
    }

    /// <summary>
    /// A <c>string</c> field as UTF-8 text. Bytes that are not UTF-8 become a lone NUL, which the path rules refuse
    /// (InvalidPath → PERMISSION_DENIED) instead of silently naming a different file.
    /// </summary>
    public string ReadString()
    {
        var bytes = ReadBytes();
        try
        {
            return StrictUtf8.GetString(bytes.Span);
        }
        catch (DecoderFallbackException)
        {
            return "\0";
        }
    }

    public SftpAttributes ReadAttributes()
    {
        var flags = (SftpAttributeFlags)ReadUInt32();
        var attributes = new SftpAttributes { Flags = flags };
        if ((flags & SftpAttributeFlags.Size) != 0)
        {
            attributes.Size = ReadUInt64();
        }
        if ((flags & SftpAttributeFlags.UidGid) != 0)
        {
            attributes.Uid = ReadUInt32();
            attributes.Gid = ReadUInt32();
        }
        if ((flags & SftpAttributeFlags.Permissions) != 0)
        {
            attributes.Permissions = ReadUInt32();
        }
        if ((flags & SftpAttributeFlags.AccessModificationTime) != 0)
        {
            attributes.AccessTime = ReadUInt32();
            attributes.ModificationTime = ReadUInt32();
        }
        if ((flags & SftpAttributeFlags.Extended) != 0)
        {
            uint count = ReadUInt32();
            for (uint i = 0; i < count; i++)
            {
                // Extended attribute pairs carry nothing this server acts on; they are read to stay framed.
                ReadBytes();
                ReadBytes();
            }
        }
        return attributes;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw new SftpProtocolException("Field runs past the packet.");
        }
        var span = _data.Span.Slice(_position, count);
        _position += count;
        return span;
    }
}
