using System.Buffers.Binary;
using System.Text;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>Builds raw SFTP packets the way a client would, field by field.</summary>
internal sealed class SftpWire
{
    private readonly List<byte> _body = [];

    public static SftpWire Packet(SftpPacketType type, uint id) => new SftpWire().Byte((byte)type).UInt32(id);

    public SftpWire Byte(byte value)
    {
        _body.Add(value);
        return this;
    }

    public SftpWire UInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        _body.AddRange(b);
        return this;
    }

    public SftpWire UInt64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        _body.AddRange(b);
        return this;
    }

    public SftpWire String(string value) => Bytes(Encoding.UTF8.GetBytes(value));

    public SftpWire Bytes(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        _body.AddRange(value);
        return this;
    }

    public SftpWire Raw(ReadOnlySpan<byte> value)
    {
        _body.AddRange(value);
        return this;
    }

    /// <summary>An ATTRS block with the size (flag 1), permissions (4) and atime/mtime (8) the flags name.</summary>
    public SftpWire Attrs(uint flags = 0, ulong size = 0, uint permissions = 0, uint accessTime = 0, uint modifyTime = 0)
    {
        UInt32(flags);
        if ((flags & 1) != 0)
        {
            UInt64(size);
        }
        if ((flags & 4) != 0)
        {
            UInt32(permissions);
        }
        if ((flags & 8) != 0)
        {
            UInt32(accessTime);
            UInt32(modifyTime);
        }
        return this;
    }

    /// <summary>The packet with its uint32 length prefix.</summary>
    public byte[] ToArray()
    {
        var body = _body.ToArray();
        var packet = new byte[body.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)body.Length);
        body.CopyTo(packet, 4);
        return packet;
    }
}

/// <summary>A received reply: type, id and a cursor over the rest.</summary>
internal sealed class SftpReply
{
    private readonly byte[] _body;
    private int _pos;

    public SftpReply(byte[] body)
    {
        _body = body;
        Type = (SftpPacketType)body[0];
        Id = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        _pos = 5;
    }

    public SftpPacketType Type { get; }

    public uint Id { get; }

    public bool AtEnd => _pos >= _body.Length;

    public byte Byte() => _body[_pos++];

    public uint UInt32()
    {
        uint v = BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(_pos));
        _pos += 4;
        return v;
    }

    public ulong UInt64()
    {
        ulong v = BinaryPrimitives.ReadUInt64BigEndian(_body.AsSpan(_pos));
        _pos += 8;
        return v;
    }

    public byte[] Bytes()
    {
        int n = (int)UInt32();
        var v = _body.AsSpan(_pos, n).ToArray();
        _pos += n;
        return v;
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    public SftpStatusCode Status()
    {
        Assert.Equal(SftpPacketType.Status, Type);
        return (SftpStatusCode)UInt32();
    }

    /// <summary>Reads an ATTRS block; returns (flags, size, permissions, atime, mtime).</summary>
    public (uint Flags, ulong Size, uint Permissions, uint AccessTime, uint ModifyTime) Attrs()
    {
        uint flags = UInt32();
        ulong size = 0;
        uint perms = 0;
        uint atime = 0;
        uint mtime = 0;
        if ((flags & 1) != 0)
        {
            size = UInt64();
        }
        if ((flags & 2) != 0)
        {
            UInt32();
            UInt32();
        }
        if ((flags & 4) != 0)
        {
            perms = UInt32();
        }
        if ((flags & 8) != 0)
        {
            atime = UInt32();
            mtime = UInt32();
        }
        return (flags, size, perms, atime, mtime);
    }
}
