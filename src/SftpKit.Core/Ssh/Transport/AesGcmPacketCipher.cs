using System.Buffers.Binary;
using System.Security.Cryptography;
using SftpKit.Ssh.Transport.OpenSsl;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The per-direction GCM nonce of RFC 5647 §7.1 as OpenSSH implements aes*-gcm@openssh.com: a 4-byte fixed field and
/// an 8-byte big-endian invocation counter that advances once per packet, independent of the sequence number.
/// </summary>
internal sealed class GcmInvocationNonce : IDisposable
{
    public const int Length = 12;

    private readonly byte[] _nonce = new byte[Length];

    public GcmInvocationNonce(ReadOnlySpan<byte> iv)
    {
        if (iv.Length != Length)
        {
            throw new ArgumentException($"AES-GCM needs a {Length}-byte IV.", nameof(iv));
        }
        iv.CopyTo(_nonce);
    }

    public ReadOnlySpan<byte> Current => _nonce;

    public void Advance()
    {
        var counter = _nonce.AsSpan(4);
        BinaryPrimitives.WriteUInt64BigEndian(counter, unchecked(BinaryPrimitives.ReadUInt64BigEndian(counter) + 1));
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_nonce);
}

/// <summary>
/// Seals packets with aes128-gcm@openssh.com / aes256-gcm@openssh.com: packet_length stays in clear as the additional
/// authenticated data, everything after it is encrypted in one AesGcm call, and the negotiated MAC is not used.
/// </summary>
internal sealed class AesGcmPacketSealer : IPacketSealer
{
    public const int Tag = 16;

    private readonly OpenSslAesGcm? _openSsl;
    private readonly AesGcm? _aes;
    private readonly GcmInvocationNonce _nonce;

    public AesGcmPacketSealer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool openSsl = AesGcmRoute.PreferOpenSsl)
    {
        _nonce = new GcmInvocationNonce(iv);
        _openSsl = openSsl ? OpenSslAesGcm.TryCreate(key, encrypt: true) : null;
        _aes = _openSsl is null ? new AesGcm(key, Tag) : null;
    }

    /// <summary>True when packets go through <see cref="OpenSslAesGcm"/> rather than the BCL's <see cref="AesGcm"/>.</summary>
    public bool UsesOpenSsl => _openSsl is not null;

    public int BlockSize => 16;

    public int TagLength => Tag;

    public bool LengthExcludedFromAlignment => true;

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        PacketSpans.CheckTag(tag, Tag, nameof(tag));
        if (_openSsl is not null)
        {
            _openSsl.Encrypt(_nonce.Current, packet[4..], packet[4..], tag[..Tag], packet[..4]);
        }
        else
        {
            _aes!.Encrypt(_nonce.Current, packet[4..], packet[4..], tag[..Tag], packet[..4]);
        }
        _nonce.Advance();
    }

    public void Dispose()
    {
        _openSsl?.Dispose();
        _aes?.Dispose();
        _nonce.Dispose();
    }
}

/// <summary>Opens aes*-gcm@openssh.com packets; see <see cref="AesGcmPacketSealer"/>.</summary>
internal sealed class AesGcmPacketOpener : IPacketOpener
{
    private readonly OpenSslAesGcm? _openSsl;
    private readonly AesGcm? _aes;
    private readonly GcmInvocationNonce _nonce;

    public AesGcmPacketOpener(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool openSsl = AesGcmRoute.PreferOpenSsl)
    {
        _nonce = new GcmInvocationNonce(iv);
        _openSsl = openSsl ? OpenSslAesGcm.TryCreate(key, encrypt: false) : null;
        _aes = _openSsl is null ? new AesGcm(key, AesGcmPacketSealer.Tag) : null;
    }

    /// <inheritdoc cref="AesGcmPacketSealer.UsesOpenSsl"/>
    public bool UsesOpenSsl => _openSsl is not null;

    public int BlockSize => 16;

    public int TagLength => AesGcmPacketSealer.Tag;

    public bool LengthExcludedFromAlignment => true;

    public int FirstBlockLength => 4;

    public uint DecryptLength(uint sequence, ReadOnlySpan<byte> firstBlock) => BinaryPrimitives.ReadUInt32BigEndian(firstBlock);

    public bool Open(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckOpenArguments(packet, plaintext, minimumPacket: 4);
        PacketSpans.CheckTag(tag, TagLength, nameof(tag));
        if (_openSsl is not null)
        {
            if (!_openSsl.Decrypt(_nonce.Current, packet[4..], plaintext[..(packet.Length - 4)], tag[..TagLength], packet[..4]))
            {
                return false;
            }
            _nonce.Advance();
            return true;
        }
        try
        {
            _aes!.Decrypt(_nonce.Current, packet[4..], tag[..TagLength], plaintext[..(packet.Length - 4)], packet[..4]);
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm has no boolean verify; a mismatch ends the connection, so the exception cost is irrelevant.
            return false;
        }
        _nonce.Advance();
        return true;
    }

    public void Dispose()
    {
        _openSsl?.Dispose();
        _aes?.Dispose();
        _nonce.Dispose();
    }
}

/// <summary>Which AES-GCM implementation the packet ciphers take by default.</summary>
internal static class AesGcmRoute
{
    /// <summary>Decided by the packet-cipher benchmark; see benchmarks/README.md.</summary>
    public const bool PreferOpenSsl = true;
}
