using System.Buffers.Binary;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// A read-only stream of <see cref="Length"/> pseudo-random bytes made on the fly (xorshift per 8 bytes), so a large
/// upload needs no file and no memory; the same seed gives the same bytes.
/// </summary>
public sealed class GeneratedStream : Stream
{
    private readonly long _length;
    private long _position;
    private ulong _state;

    public GeneratedStream(long length, ulong seed = 0x9E3779B97F4A7C15)
    {
        _length = length;
        _state = seed;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = (int)Math.Min(buffer.Length & ~7, _length - _position);
        if (count <= 0 && _position < _length)
        {
            count = (int)Math.Min(buffer.Length, _length - _position); // the tail, or a buffer under 8 bytes
        }
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < count; i += 8)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(word, _state);
            word[..Math.Min(8, count - i)].CopyTo(buffer[i..]);
        }
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
