namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).</summary>
internal readonly record struct ChannelWindowAdjustMessage(uint RecipientChannel, uint BytesToAdd) : ISshMessage<ChannelWindowAdjustMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelWindowAdjust;

    public static ChannelWindowAdjustMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), reader.ReadUInt32());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteUInt32(BytesToAdd);
}
