using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SftpKit.Sftp;

/// <summary>
/// Builds one reply packet in a pooled buffer: the length is patched in when the packet is sent. Writes are
/// synchronous; only <see cref="SftpOutput"/> goes async. Dispose returns the buffer.
/// </summary>
internal sealed class SftpResponse : IDisposable
{
    private byte[] _buffer;
    private int _length;

    private SftpResponse(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        _length = 4; // length placeholder
    }

    public static SftpResponse Create(SftpPacketType type, uint id, int capacity = 256)
    {
        var response = new SftpResponse(capacity + 9);
        response.WriteByte((byte)type);
        response.WriteUInt32(id);
        return response;
    }

    /// <summary>INIT/VERSION carry the version where other packets carry an id.</summary>
    public static SftpResponse CreateVersion(uint version)
    {
        var response = new SftpResponse(512);
        response.WriteByte((byte)SftpPacketType.Version);
        response.WriteUInt32(version);
        return response;
    }

    public int Length => _length;

    /// <summary>The finished packet with its length field set.</summary>
    public ReadOnlyMemory<byte> GetPacket()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer, (uint)(_length - 4));
        return _buffer.AsMemory(0, _length);
    }

    public void WriteByte(byte value) => GetSpan(1)[0] = value;

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(GetSpan(8), value);

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        value.CopyTo(GetSpan(value.Length));
    }

    public void WriteString(string value)
    {
        WriteUInt32(0);
        int start = _length;
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        int written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        _length += written;
        PatchUInt32(start - 4, (uint)written);
    }

    public void WriteAttributes(in SftpAttributes attributes)
    {
        var flags = attributes.Flags & ~SftpAttributeFlags.Extended;
        WriteUInt32((uint)flags);
        if ((flags & SftpAttributeFlags.Size) != 0)
        {
            WriteUInt64(attributes.Size);
        }
        if ((flags & SftpAttributeFlags.UidGid) != 0)
        {
            WriteUInt32(attributes.Uid);
            WriteUInt32(attributes.Gid);
        }
        if ((flags & SftpAttributeFlags.Permissions) != 0)
        {
            WriteUInt32(attributes.Permissions);
        }
        if ((flags & SftpAttributeFlags.AccessModificationTime) != 0)
        {
            WriteUInt32(attributes.AccessTime);
            WriteUInt32(attributes.ModificationTime);
        }
    }

    /// <summary>Reserves <paramref name="count"/> bytes for the caller to fill (e.g. a READ's data).</summary>
    public Memory<byte> Reserve(int count)
    {
        Ensure(count);
        return _buffer.AsMemory(_length, count);
    }

    /// <summary>Keeps <paramref name="count"/> of the bytes last reserved.</summary>
    public void Commit(int count) => _length += count;

    /// <summary>Overwrites a uint32 written earlier at <paramref name="offset"/> (a count known only at the end).</summary>
    public void PatchUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset), value);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> GetSpan(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Ensure(int count)
    {
        if (_length + count <= _buffer.Length)
        {
            return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
