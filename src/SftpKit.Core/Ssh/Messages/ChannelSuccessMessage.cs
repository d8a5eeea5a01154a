namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_SUCCESS (RFC 4254 §5.4): the positive answer to a channel request.</summary>
internal readonly record struct ChannelSuccessMessage(uint RecipientChannel) : ISshMessage<ChannelSuccessMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelSuccess;

    public static ChannelSuccessMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadUInt32());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel);
}
