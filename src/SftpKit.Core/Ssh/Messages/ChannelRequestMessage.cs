namespace SftpKit.Ssh.Messages;

/// <summary>
/// SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4): the recipient channel, request type, whether to reply, then the type's
/// own fields (the subsystem name, the exec command, the exit status, ...).
/// </summary>
internal readonly ref struct ChannelRequestMessage(uint recipientChannel, string requestType, bool wantReply, ReadOnlySpan<byte> requestData)
    : ISshMessage<ChannelRequestMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelRequest;

    public uint RecipientChannel { get; } = recipientChannel;

    public string RequestType { get; } = requestType;

    public bool WantReply { get; } = wantReply;

    public ReadOnlySpan<byte> RequestData { get; } = requestData;

    public static ChannelRequestMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), reader.ReadString(), reader.ReadBoolean(), reader.RemainingSpan);
    }

    public void Write(SshWriter writer)
        => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteString(RequestType).WriteBoolean(WantReply).WriteRaw(RequestData);
}
