using System.Buffers;

namespace SftpKit.Sftp;

/// <summary>
/// One framed client request: its type, id (the version for INIT) and the bytes after the id, copied into a pooled
/// buffer so the handler can run after the pipe has moved on. Dispose returns the buffer.
/// </summary>
internal sealed class SftpPacket : IDisposable
{
    private byte[]? _buffer;

    public SftpPacket(SftpPacketType type, uint id, byte[] buffer, int length)
    {
        Type = type;
        Id = id;
        _buffer = buffer;
        Length = length;
    }

    public SftpPacketType Type { get; }

    public uint Id { get; }

    public int Length { get; }

    public ReadOnlyMemory<byte> Payload => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    public SftpPayloadReader CreateReader() => new(Payload);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
