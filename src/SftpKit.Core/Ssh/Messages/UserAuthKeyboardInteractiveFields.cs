namespace SftpKit.Ssh.Messages;

/// <summary>The fields of a USERAUTH_REQUEST for keyboard-interactive (RFC 4256 §3.1): the deprecated language tag and the submethods hint.</summary>
internal readonly record struct UserAuthKeyboardInteractiveFields(string Language, string Submethods)
{
    public static UserAuthKeyboardInteractiveFields Read(ReadOnlySpan<byte> methodFields)
    {
        var reader = new SshReader(methodFields);
        return new(reader.ReadString(), reader.ReadString());
    }

    public void Write(SshWriter writer) => writer.WriteString(Language).WriteString(Submethods);
}
