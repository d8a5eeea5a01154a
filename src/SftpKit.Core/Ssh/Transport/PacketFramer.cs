using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// Decodes binary packets (RFC 4253 §6) from received bytes. Follows the Try pattern: returns false and consumes
/// nothing until a whole packet is present; checks packet_length against the limit before buffering the body.
/// One instance per connection; the returned payload aliases an internal buffer valid until the next call.
/// </summary>
/// <remarks>
/// The plaintext buffer is rented for the packet at hand (sized to it, not to the maximum packet) and given back by
/// <see cref="ReleaseBuffers"/> when the connection has nothing left to decode, so an idle connection holds no
/// packet buffer at all; a packet split across pipe segments is gathered in a buffer rented and returned around its
/// decryption.
/// </remarks>
internal sealed class PacketDecoder : IDisposable
{
    private readonly int _maxPacketLength;
    private byte[]? _plainBuffer;
    private int _plainUsed;
    private int _pendingLength = -1;

    public PacketDecoder(int maxPacketLength) => _maxPacketLength = maxPacketLength;

    public IPacketOpener Opener { get; set; } = new NonePacketOpener();

    /// <summary>Sequence number of the next packet to be received (wraps at 2^32).</summary>
    public uint Sequence { get; set; }

    /// <summary>Total bytes of received packets, for the rekey limit.</summary>
    public long BytesReceived { get; set; }

    /// <summary>Whether a plaintext buffer is rented (false while the connection is idle).</summary>
    internal bool HoldsBuffer => _plainBuffer is not null;

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

        byte[] plainArray = RentPlain(_pendingLength);
        var plain = plainArray.AsSpan(0, _pendingLength);
        var packetSeq = buffer.Slice(0, total);
        bool opened;
        if (packetSeq.IsSingleSegment)
        {
            var packet = packetSeq.FirstSpan;
            opened = opener.Open(Sequence, packet[..(4 + _pendingLength)], packet.Slice(4 + _pendingLength, opener.TagLength), plain);
        }
        else
        {
            // Ciphertext is no secret: the gathering buffer goes back to the pool without being cleared.
            byte[] gathered = ArrayPool<byte>.Shared.Rent(total);
            try
            {
                packetSeq.CopyTo(gathered);
                var packet = gathered.AsSpan(0, total);
                opened = opener.Open(Sequence, packet[..(4 + _pendingLength)], packet.Slice(4 + _pendingLength, opener.TagLength), plain);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(gathered);
            }
        }
        if (!opened)
        {
            throw new SshProtocolException(SshDisconnectReason.MacError, "Corrupted MAC on input.");
        }

        int padding = plain[0];
        int payloadLength = _pendingLength - 1 - padding;
        if (padding < 4 || payloadLength < 1)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Bad padding length.");
        }

        payload = plainArray.AsMemory(1, payloadLength);
        buffer = buffer.Slice(total);
        _pendingLength = -1;
        Sequence++;
        BytesReceived += total;
        return true;
    }

    /// <summary>
    /// Clears and returns the plaintext buffer (the last payload becomes invalid). Called when no whole packet is
    /// buffered, before the connection waits for the network.
    /// </summary>
    public void ReleaseBuffers()
    {
        if (_plainBuffer is { } plain)
        {
            _plainBuffer = null;
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, _plainUsed));
            _plainUsed = 0;
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    /// <summary>A plaintext buffer of at least <paramref name="length"/> bytes: the one held, or a larger one rented.</summary>
    private byte[] RentPlain(int length)
    {
        if (_plainBuffer is null || _plainBuffer.Length < length)
        {
            ReleaseBuffers();
            _plainBuffer = ArrayPool<byte>.Shared.Rent(length);
        }
        _plainUsed = Math.Max(_plainUsed, length);
        return _plainBuffer;
    }

    public void Dispose()
    {
        Opener.Dispose();
        ReleaseBuffers();
    }
}

/// <summary>Encodes binary packets (RFC 4253 §6) with random padding, sealed in place in the output buffer.</summary>
internal sealed class PacketEncoder : IDisposable
{
    /// <summary>Bytes of random padding drawn at once; padding is at most 255 bytes per packet.</summary>
    internal const int PaddingPoolSize = 512;

    private byte[]? _paddingPool;
    private int _paddingUsed = PaddingPoolSize;

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
        FillPadding(span.Slice(5 + payload.Length, padding));
        sealer.Seal(Sequence, span[..(4 + packetLength)], span.Slice(4 + packetLength, sealer.TagLength));
        output.Advance(total);
        Sequence++;
        BytesSent += total;
        return total;
    }

    public void Dispose() => Sealer.Dispose();

    /// <summary>
    /// Random padding from a small per-connection pool of CSPRNG bytes (<see cref="PaddingPoolSize"/>), each byte used
    /// once: one RNG call per ~30 packets instead of one per packet (OpenSSL's RNG checks its process id on every call).
    /// </summary>
    private void FillPadding(Span<byte> padding)
    {
        _paddingPool ??= new byte[PaddingPoolSize];
        if (_paddingUsed + padding.Length > _paddingPool.Length)
        {
            RandomNumberGenerator.Fill(_paddingPool);
            _paddingUsed = 0;
        }
        _paddingPool.AsSpan(_paddingUsed, padding.Length).CopyTo(padding);
        _paddingUsed += padding.Length;
    }
}
