namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1): the methods that may continue, and whether the last one passed a step.</summary>
internal readonly record struct UserAuthFailureMessage(IReadOnlyList<string> Methods, bool PartialSuccess) : ISshMessage<UserAuthFailureMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthFailure;

    public static UserAuthFailureMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadNameList(), reader.ReadBoolean());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteNameList(Methods).WriteBoolean(PartialSuccess);
}
