namespace SftpKit.Ssh.Transport;

/// <summary>Argument checks shared by the packet openers, so a short buffer fails loudly instead of half-decrypting.</summary>
internal static class PacketSpans
{
    public static void CheckOpenArguments(ReadOnlySpan<byte> packet, Span<byte> plaintext, int minimumPacket)
    {
        if (packet.Length < minimumPacket)
        {
            // The length came from the peer, so a packet too short to hold its own header is the peer's fault.
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Packet too short.");
        }
        if (plaintext.Length < packet.Length - 4)
        {
            throw new ArgumentException("Plaintext buffer is smaller than packet_length.", nameof(plaintext));
        }
    }

    public static void CheckTag(ReadOnlySpan<byte> tag, int tagLength, string paramName)
    {
        if (tag.Length < tagLength)
        {
            throw new ArgumentException($"Tag buffer must hold {tagLength} bytes.", paramName);
        }
    }
}
