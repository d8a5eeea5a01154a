namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).</summary>
internal readonly record struct ServiceAcceptMessage(string ServiceName) : ISshMessage<ServiceAcceptMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ServiceAccept;

    public static ServiceAcceptMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadString());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(ServiceName);
}
