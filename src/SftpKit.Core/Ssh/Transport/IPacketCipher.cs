namespace SftpKit.Ssh.Transport;

/// <summary>
/// Protects outgoing binary packets (RFC 4253 §6) for one direction after NEWKEYS. Implementations hold key
/// material, keep no per-packet allocations, and zero their keys on dispose.
/// </summary>
internal interface IPacketSealer : IDisposable
{
    /// <summary>Padding alignment in bytes (cipher block size, at least 8).</summary>
    int BlockSize { get; }

    /// <summary>Bytes of MAC or AEAD tag appended after the packet.</summary>
    int TagLength { get; }

    /// <summary>
    /// True when the 4-byte packet_length is sent outside the padded, block-aligned region (AEAD and -etm modes), so
    /// alignment applies to padding_length||payload||padding only.
    /// </summary>
    bool LengthExcludedFromAlignment { get; }

    /// <summary>
    /// Encrypts <paramref name="packet"/> (uint32 packet_length || byte padding_length || payload || padding) in place
    /// and writes <see cref="TagLength"/> bytes of MAC/tag to <paramref name="tag"/>.
    /// </summary>
    void Seal(uint sequence, Span<byte> packet, Span<byte> tag);
}

/// <summary>Verifies and decrypts incoming binary packets for one direction after NEWKEYS.</summary>
internal interface IPacketOpener : IDisposable
{
    int BlockSize { get; }

    int TagLength { get; }

    /// <inheritdoc cref="IPacketSealer.LengthExcludedFromAlignment"/>
    bool LengthExcludedFromAlignment { get; }

    /// <summary>Bytes that must be received before <see cref="DecryptLength"/> can run: 4, or one cipher block.</summary>
    int FirstBlockLength { get; }

    /// <summary>
    /// Returns packet_length from the first <see cref="FirstBlockLength"/> received bytes without changing them.
    /// May keep decryption state for the following <see cref="Open"/> call on the same sequence number.
    /// </summary>
    uint DecryptLength(uint sequence, ReadOnlySpan<byte> firstBlock);

    /// <summary>
    /// Verifies the tag and decrypts one packet. <paramref name="packet"/> is the 4 + packet_length bytes as received,
    /// <paramref name="tag"/> the <see cref="TagLength"/> bytes after them; <paramref name="plaintext"/> (packet_length
    /// bytes) receives padding_length || payload || padding. Returns false, having written nothing meaningful, when the
    /// tag does not verify (compared in constant time).
    /// </summary>
    bool Open(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext);
}
