namespace SftpKit.Ssh.Transport;

/// <summary>
/// Seals packets with aes*-ctr and an HMAC. Classic SSH (encrypt-and-MAC, RFC 4253 §6.4) MACs the plaintext packet and
/// encrypts all of it; -etm@openssh.com leaves packet_length in clear, encrypts the rest and MACs what is sent.
/// </summary>
internal sealed class AesCtrHmacPacketSealer : IPacketSealer
{
    private readonly AesCtrKeystream _keystream;
    private readonly PacketMac _mac;
    private readonly bool _encryptThenMac;

    public AesCtrHmacPacketSealer(AesCtrKeystream keystream, PacketMac mac, bool encryptThenMac)
    {
        _keystream = keystream;
        _mac = mac;
        _encryptThenMac = encryptThenMac;
    }

    public int BlockSize => 16;

    public int TagLength => _mac.TagLength;

    public bool LengthExcludedFromAlignment => _encryptThenMac;

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        PacketSpans.CheckTag(tag, TagLength, nameof(tag));
        if (_encryptThenMac)
        {
            _keystream.Transform(packet[4..], packet[4..]);
            _mac.Begin(sequence);
            _mac.Append(packet);
            _mac.Finish(tag);
        }
        else
        {
            _mac.Begin(sequence);
            _mac.Append(packet);
            _mac.Finish(tag);
            _keystream.Transform(packet, packet);
        }
    }

    public void Dispose()
    {
        _keystream.Dispose();
        _mac.Dispose();
    }
}
