namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7): the key of a publickey query would be accepted with a signature.</summary>
internal readonly ref struct UserAuthPkOkMessage(string algorithm, ReadOnlySpan<byte> publicKey) : ISshMessage<UserAuthPkOkMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthPkOk;

    public string Algorithm { get; } = algorithm;

    public ReadOnlySpan<byte> PublicKey { get; } = publicKey;

    public static UserAuthPkOkMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadString(), reader.ReadBinary());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(Algorithm).WriteBinary(PublicKey);
}
