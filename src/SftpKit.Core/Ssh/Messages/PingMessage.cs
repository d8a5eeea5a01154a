namespace SftpKit.Ssh.Messages;

/// <summary>SSH2_MSG_PING (OpenSSH PROTOCOL, ping@openssh.com): answered with a PONG carrying the same data.</summary>
internal readonly ref struct PingMessage(ReadOnlySpan<byte> data) : ISshMessage<PingMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Ping;

    public ReadOnlySpan<byte> Data { get; } = data;

    public static PingMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadBinary());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBinary(Data);
}
