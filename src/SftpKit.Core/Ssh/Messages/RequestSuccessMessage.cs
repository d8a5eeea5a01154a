namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4): the positive answer to a global request, with request-specific data.</summary>
internal readonly ref struct RequestSuccessMessage(ReadOnlySpan<byte> responseData) : ISshMessage<RequestSuccessMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.RequestSuccess;

    public ReadOnlySpan<byte> ResponseData { get; } = responseData;

    public static RequestSuccessMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).RemainingSpan);

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteRaw(ResponseData);
}
