namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1), for channel types without type-specific data ("session").</summary>
internal readonly record struct ChannelOpenConfirmationMessage(uint RecipientChannel, uint SenderChannel, uint InitialWindowSize, uint MaximumPacketSize)
    : ISshMessage<ChannelOpenConfirmationMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelOpenConfirmation;

    public static ChannelOpenConfirmationMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
    }

    public void Write(SshWriter writer)
        => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteUInt32(SenderChannel).WriteUInt32(InitialWindowSize).WriteUInt32(MaximumPacketSize);
}
