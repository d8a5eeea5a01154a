namespace SftpKit.Ssh.Messages;

/// <summary>SSH2_MSG_PONG (OpenSSH PROTOCOL, ping@openssh.com): the answer to a PING, with its data.</summary>
internal readonly ref struct PongMessage(ReadOnlySpan<byte> data) : ISshMessage<PongMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Pong;

    public ReadOnlySpan<byte> Data { get; } = data;

    public static PongMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadBinary());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBinary(Data);
}
