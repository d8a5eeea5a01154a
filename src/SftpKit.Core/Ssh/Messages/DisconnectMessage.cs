namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_DISCONNECT (RFC 4253 §11.1).</summary>
internal readonly record struct DisconnectMessage(SshDisconnectReason Reason, string Description, string Language = "")
    : ISshMessage<DisconnectMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Disconnect;

    public static DisconnectMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new((SshDisconnectReason)reader.ReadUInt32(), reader.ReadString(), reader.ReadString());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32((uint)Reason).WriteString(Description).WriteString(Language);
}
