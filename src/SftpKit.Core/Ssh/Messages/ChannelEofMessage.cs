namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_EOF (RFC 4254 §5.3): the sender sends no more data on the channel.</summary>
internal readonly record struct ChannelEofMessage(uint RecipientChannel) : ISshMessage<ChannelEofMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelEof;

    public static ChannelEofMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadUInt32());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel);
}
