namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_SUCCESS (RFC 4252 §5.1): no fields.</summary>
internal readonly record struct UserAuthSuccessMessage : ISshMessage<UserAuthSuccessMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthSuccess;

    public static UserAuthSuccessMessage Read(ReadOnlySpan<byte> payload)
    {
        SshReader.ForMessage(payload, Number);
        return default;
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number);
}
