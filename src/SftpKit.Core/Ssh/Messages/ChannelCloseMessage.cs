namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3): the channel ends once both sides sent it.</summary>
internal readonly record struct ChannelCloseMessage(uint RecipientChannel) : ISshMessage<ChannelCloseMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelClose;

    public static ChannelCloseMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadUInt32());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel);
}
