namespace SftpKit.Ssh.Messages;

/// <summary>
/// The fields of a USERAUTH_REQUEST for the publickey method (RFC 4252 §7) or OpenSSH's publickey-hostbound (which
/// adds the server's host key before the signature): a query without signature, or a signed attempt.
/// </summary>
internal readonly ref struct UserAuthPublicKeyFields(string algorithm, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hostKey, ReadOnlySpan<byte> signature,
    bool hasSignature, bool hostbound)
{
    public string Algorithm { get; } = algorithm;

    /// <summary>The public key (or certificate) blob.</summary>
    public ReadOnlySpan<byte> PublicKey { get; } = publicKey;

    /// <summary>The server host key the client binds the signature to (hostbound only).</summary>
    public ReadOnlySpan<byte> HostKey { get; } = hostKey;

    /// <summary>The signature blob (when <see cref="HasSignature"/>).</summary>
    public ReadOnlySpan<byte> Signature { get; } = signature;

    public bool HasSignature { get; } = hasSignature;

    public bool Hostbound { get; } = hostbound;

    /// <summary>How many bytes of the method fields precede the signature (they enter the signed data).</summary>
    public int SignedLength => 1 + 4 + System.Text.Encoding.UTF8.GetByteCount(Algorithm) + 4 + PublicKey.Length + (Hostbound ? 4 + HostKey.Length : 0);

    public static UserAuthPublicKeyFields Read(ReadOnlySpan<byte> methodFields, bool hostbound)
    {
        var reader = new SshReader(methodFields);
        bool hasSignature = reader.ReadBoolean();
        string algorithm = reader.ReadString();
        var publicKey = reader.ReadBinary();
        var hostKey = hostbound ? reader.ReadBinary() : default;
        var signature = hasSignature ? reader.ReadBinary() : default;
        return new(algorithm, publicKey, hostKey, signature, hasSignature, hostbound);
    }

    public void Write(SshWriter writer)
    {
        writer.WriteBoolean(HasSignature).WriteString(Algorithm).WriteBinary(PublicKey);
        if (Hostbound)
        {
            writer.WriteBinary(HostKey);
        }
        if (HasSignature)
        {
            writer.WriteBinary(Signature);
        }
    }
}
