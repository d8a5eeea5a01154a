using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SftpKit.Ssh;

/// <summary>
/// Writes SSH wire types (RFC 4251 §5) into a growable pooled buffer. Dispose returns the buffer to the pool;
/// <see cref="Clear"/> zeroes it first when it held key material.
/// </summary>
internal sealed class SshWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _length;

    public SshWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, initialCapacity));
    }

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Reset() => _length = 0;

    public void Clear()
    {
        CryptographicClear();
        _length = 0;
    }

    private void CryptographicClear() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _length));

    public SshWriter WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _length++;
        return this;
    }

    public SshWriter WriteMessage(SshMessageNumber number) => WriteByte((byte)number);

    public SshWriter WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public SshWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), value);
        _length += 4;
        return this;
    }

    public SshWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(GetSpan(8), value);
        _length += 8;
        return this;
    }

    public SshWriter WriteRaw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(GetSpan(value.Length));
        _length += value.Length;
        return this;
    }

    public SshWriter WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        return WriteRaw(value);
    }

    public SshWriter WriteString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = GetSpan(4 + max);
        int written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)written);
        _length += 4 + written;
        return this;
    }

    public SshWriter WriteNameList(IEnumerable<string> names) => WriteString(string.Join(',', names));

    /// <summary>Writes an unsigned big-endian magnitude as an mpint (strips leading zeros, adds a sign byte when needed).</summary>
    public SshWriter WriteMpintFromUnsigned(ReadOnlySpan<byte> magnitude)
    {
        int start = magnitude.IndexOfAnyExcept((byte)0);
        if (start < 0)
        {
            return WriteUInt32(0);
        }
        magnitude = magnitude[start..];
        bool pad = (magnitude[0] & 0x80) != 0;
        WriteUInt32((uint)(magnitude.Length + (pad ? 1 : 0)));
        if (pad)
        {
            WriteByte(0);
        }
        return WriteRaw(magnitude);
    }

    public SshWriter WriteMpint(BigInteger value)
    {
        if (value.IsZero)
        {
            return WriteUInt32(0);
        }
        int count = value.GetByteCount(isUnsigned: false);
        WriteUInt32((uint)count);
        var span = GetSpan(count);
        value.TryWriteBytes(span, out int written, isUnsigned: false, isBigEndian: true);
        _length += written;
        return this;
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_length);
    }

    private void EnsureCapacity(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }
        if (_buffer.Length - _length >= sizeHint)
        {
            return;
        }
        int newSize = Math.Max(_buffer.Length * 2, _length + sizeHint);
        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _length).CopyTo(next);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _length));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }
        CryptographicClear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
