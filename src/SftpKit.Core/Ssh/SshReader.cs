using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SftpKit.Ssh;

/// <summary>
/// Reads SSH wire types (RFC 4251 §5) from a contiguous buffer. Every read checks bounds and throws
/// <see cref="SshProtocolException"/> on truncated or malformed input, so callers never index past the message.
/// </summary>
internal ref struct SshReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public SshReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>A reader over the fields of <paramref name="payload"/> (a whole message) once its number is checked.</summary>
    public static SshReader ForMessage(ReadOnlySpan<byte> payload, SshMessageNumber number)
    {
        if (payload.IsEmpty || payload[0] != (byte)number)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected message.");
        }
        return new SshReader(payload[1..]);
    }

    public readonly int Position => _position;
    public readonly int Remaining => _buffer.Length - _position;
    public readonly bool End => _position >= _buffer.Length;
    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[_position..];

    public byte ReadByte()
    {
        Ensure(1);
        return _buffer[_position++];
    }

    public bool ReadBoolean() => ReadByte() != 0;

    public uint ReadUInt32()
    {
        Ensure(4);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(_position, 4));
        _position += 4;
        return value;
    }

    public ulong ReadUInt64()
    {
        Ensure(8);
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>
    /// Reads the count of a list whose items take at least <paramref name="minimumItemLength"/> bytes each; a count the
    /// rest of the message cannot hold is a protocol error, not an allocation to make.
    /// </summary>
    public int ReadCount(int minimumItemLength)
    {
        uint count = ReadUInt32();
        if (count > (uint)(Remaining / minimumItemLength))
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Message truncated.");
        }
        return (int)count;
    }

    /// <summary>Reads a length-prefixed byte string and returns a view into the buffer.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        uint length = ReadUInt32();
        if (length > (uint)Remaining)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "String length exceeds message.");
        }
        var value = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Ensure(count);
        var value = _buffer.Slice(_position, count);
        _position += count;
        return value;
    }

    /// <summary>Reads a UTF-8 string; invalid UTF-8 is a protocol error.</summary>
    public string ReadString()
    {
        var bytes = ReadBinary();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Invalid UTF-8 string.");
        }
    }

    public string[] ReadNameList()
    {
        var bytes = ReadBinary();
        if (bytes.IsEmpty)
        {
            return [];
        }
        // Names are printable US-ASCII without spaces (RFC 4251 §6); the comma is the separator.
        if (bytes.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Invalid name-list.");
        }
        return Encoding.ASCII.GetString(bytes).Split(',');
    }

    /// <summary>Reads an mpint and returns its two's-complement big-endian magnitude bytes (may start with 0x00).</summary>
    public ReadOnlySpan<byte> ReadMpintBytes() => ReadBinary();

    public BigInteger ReadMpint()
    {
        var bytes = ReadBinary();
        return bytes.IsEmpty ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
    }

    private readonly void Ensure(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Message truncated.");
        }
    }

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
