namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_IGNORE (RFC 4253 §11.2): data the receiver discards.</summary>
internal readonly ref struct IgnoreMessage(ReadOnlySpan<byte> data) : ISshMessage<IgnoreMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Ignore;

    public ReadOnlySpan<byte> Data { get; } = data;

    public static IgnoreMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadBinary());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBinary(Data);
}
