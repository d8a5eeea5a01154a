namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_FAILURE (RFC 4254 §5.4): the negative answer to a channel request.</summary>
internal readonly record struct ChannelFailureMessage(uint RecipientChannel) : ISshMessage<ChannelFailureMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelFailure;

    public static ChannelFailureMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadUInt32());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel);
}
