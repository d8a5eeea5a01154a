using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// Decodes binary packets (RFC 4253 §6) from received bytes. Follows the Try pattern: returns false and consumes
/// nothing until a whole packet is present; checks packet_length against the limit before buffering the body.
/// One instance per connection; the returned payload aliases an internal buffer valid until the next call.
/// </summary>
internal sealed class PacketDecoder : IDisposable
{
    private readonly int _maxPacketLength;
    private byte[] _cipherBuffer;
    private byte[] _plainBuffer;
    private int _pendingLength = -1;

    public PacketDecoder(int maxPacketLength)
    {
        _maxPacketLength = maxPacketLength;
        _cipherBuffer = ArrayPool<byte>.Shared.Rent(maxPacketLength + 4 + 64);
        _plainBuffer = ArrayPool<byte>.Shared.Rent(maxPacketLength + 64);
    }

    public IPacketOpener Opener { get; set; } = new NonePacketOpener();

    /// <summary>Sequence number of the next packet to be received (wraps at 2^32).</summary>
    public uint Sequence { get; set; }

    /// <summary>Total bytes of received packets, for the rekey limit.</summary>
    public long BytesReceived { get; set; }

    public bool TryDecode(ref ReadOnlySequence<byte> buffer, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        var opener = Opener;
        if (_pendingLength < 0)
        {
            int first = opener.FirstBlockLength;
            if (buffer.Length < first)
            {
                return false;
            }
            Span<byte> head = stackalloc byte[64];
            head = head[..first];
            buffer.Slice(0, first).CopyTo(head);
            uint length = opener.DecryptLength(Sequence, head);
            int alignExtra = opener.LengthExcludedFromAlignment ? 0 : 4;
            if (length < 5 || length > (uint)_maxPacketLength)
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Bad packet length.");
            }
            if ((length + alignExtra) % (uint)Math.Max(8, opener.BlockSize) != 0)
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Packet length not a multiple of the block size.");
            }
            _pendingLength = (int)length;
        }

        int total = 4 + _pendingLength + opener.TagLength;
        if (buffer.Length < total)
        {
            return false;
        }

        var packetSeq = buffer.Slice(0, total);
        ReadOnlySpan<byte> packet;
        if (packetSeq.IsSingleSegment)
        {
            packet = packetSeq.FirstSpan;
        }
        else
        {
            packetSeq.CopyTo(_cipherBuffer);
            packet = _cipherBuffer.AsSpan(0, total);
        }

        var plain = _plainBuffer.AsSpan(0, _pendingLength);
        if (!opener.Open(Sequence, packet[..(4 + _pendingLength)], packet.Slice(4 + _pendingLength, opener.TagLength), plain))
        {
            throw new SshProtocolException(SshDisconnectReason.MacError, "Corrupted MAC on input.");
        }

        int padding = plain[0];
        int payloadLength = _pendingLength - 1 - padding;
        if (padding < 4 || payloadLength < 1)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Bad padding length.");
        }

        payload = _plainBuffer.AsMemory(1, payloadLength);
        buffer = buffer.Slice(total);
        _pendingLength = -1;
        Sequence++;
        BytesReceived += total;
        return true;
    }

    public void Dispose()
    {
        Opener.Dispose();
        CryptographicOperations.ZeroMemory(_plainBuffer);
        ArrayPool<byte>.Shared.Return(_cipherBuffer);
        ArrayPool<byte>.Shared.Return(_plainBuffer);
        _cipherBuffer = [];
        _plainBuffer = [];
    }
}

/// <summary>Encodes binary packets (RFC 4253 §6) with random padding, sealed in place in the output buffer.</summary>
internal sealed class PacketEncoder : IDisposable
{
    public IPacketSealer Sealer { get; set; } = new NonePacketSealer();

    public uint Sequence { get; set; }

    public long BytesSent { get; set; }

    /// <summary>Writes one packet carrying <paramref name="payload"/>; returns the bytes written.</summary>
    public int Encode(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        var sealer = Sealer;
        int block = Math.Max(8, sealer.BlockSize);
        int unpadded = 1 + payload.Length + (sealer.LengthExcludedFromAlignment ? 0 : 4);
        int padding = block - (unpadded % block);
        if (padding < 4)
        {
            padding += block;
        }
        int packetLength = 1 + payload.Length + padding;
        int total = 4 + packetLength + sealer.TagLength;

        var span = output.GetSpan(total);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)packetLength);
        span[4] = (byte)padding;
        payload.CopyTo(span[5..]);
        RandomNumberGenerator.Fill(span.Slice(5 + payload.Length, padding));
        sealer.Seal(Sequence, span[..(4 + packetLength)], span.Slice(4 + packetLength, sealer.TagLength));
        output.Advance(total);
        Sequence++;
        BytesSent += total;
        return total;
    }

    public void Dispose() => Sealer.Dispose();
}
