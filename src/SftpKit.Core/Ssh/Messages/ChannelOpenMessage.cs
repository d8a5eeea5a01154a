namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1): channel type, the sender's channel, window and packet size, then type-specific data.</summary>
internal readonly ref struct ChannelOpenMessage(string channelType, uint senderChannel, uint initialWindowSize, uint maximumPacketSize, ReadOnlySpan<byte> typeData)
    : ISshMessage<ChannelOpenMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelOpen;

    public string ChannelType { get; } = channelType;

    public uint SenderChannel { get; } = senderChannel;

    public uint InitialWindowSize { get; } = initialWindowSize;

    public uint MaximumPacketSize { get; } = maximumPacketSize;

    /// <summary>The channel-type-specific fields (none for "session").</summary>
    public ReadOnlySpan<byte> TypeData { get; } = typeData;

    public static ChannelOpenMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadString(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.RemainingSpan);
    }

    public void Write(SshWriter writer)
        => writer.WriteMessage(Number).WriteString(ChannelType).WriteUInt32(SenderChannel).WriteUInt32(InitialWindowSize).WriteUInt32(MaximumPacketSize).WriteRaw(TypeData);
}
