namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_SERVICE_REQUEST (RFC 4253 §10).</summary>
internal readonly record struct ServiceRequestMessage(string ServiceName) : ISshMessage<ServiceRequestMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ServiceRequest;

    public static ServiceRequestMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadString());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(ServiceName);
}
