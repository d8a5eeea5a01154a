namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_REQUEST_FAILURE (RFC 4254 §4): the negative answer to a global request; no fields.</summary>
internal readonly record struct RequestFailureMessage : ISshMessage<RequestFailureMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.RequestFailure;

    public static RequestFailureMessage Read(ReadOnlySpan<byte> payload)
    {
        SshReader.ForMessage(payload, Number);
        return default;
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number);
}
