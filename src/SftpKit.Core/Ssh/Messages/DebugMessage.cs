namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_DEBUG (RFC 4253 §11.3).</summary>
internal readonly record struct DebugMessage(bool AlwaysDisplay, string Message, string Language = "") : ISshMessage<DebugMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Debug;

    public static DebugMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadBoolean(), reader.ReadString(), reader.ReadString());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBoolean(AlwaysDisplay).WriteString(Message).WriteString(Language);
}
