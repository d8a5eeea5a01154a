namespace SftpKit.Ssh.Messages;

/// <summary>The fields of a USERAUTH_REQUEST for the password method (RFC 4252 §8), a change request included.</summary>
internal readonly record struct UserAuthPasswordFields(string Password, string? NewPassword = null)
{
    /// <summary>True when the client asks to change its password (which SftpKit refuses).</summary>
    public bool ChangeRequested => NewPassword is not null;

    public static UserAuthPasswordFields Read(ReadOnlySpan<byte> methodFields)
    {
        var reader = new SshReader(methodFields);
        bool change = reader.ReadBoolean();
        string password = reader.ReadString();
        return new(password, change ? reader.ReadString() : null);
    }

    public void Write(SshWriter writer)
    {
        writer.WriteBoolean(ChangeRequested).WriteString(Password);
        if (NewPassword is not null)
        {
            writer.WriteString(NewPassword);
        }
    }
}
