namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4): text the client shows before authentication.</summary>
internal readonly record struct UserAuthBannerMessage(string Message, string Language = "") : ISshMessage<UserAuthBannerMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthBanner;

    public static UserAuthBannerMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadString(), reader.ReadString());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(Message).WriteString(Language);
}
