namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4): a request name, whether to reply, and request-specific data.</summary>
internal readonly ref struct GlobalRequestMessage(string requestName, bool wantReply, ReadOnlySpan<byte> requestData) : ISshMessage<GlobalRequestMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.GlobalRequest;

    public string RequestName { get; } = requestName;

    public bool WantReply { get; } = wantReply;

    public ReadOnlySpan<byte> RequestData { get; } = requestData;

    public static GlobalRequestMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadString(), reader.ReadBoolean(), reader.RemainingSpan);
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(RequestName).WriteBoolean(WantReply).WriteRaw(RequestData);
}
