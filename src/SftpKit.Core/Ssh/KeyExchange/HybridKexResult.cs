namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// The wire shape shared by the KEM/X25519 hybrids: Q_C and Q_S are strings and the hashed secret is a string, not an
/// mpint (draft-ietf-sshm-mlkem-hybrid-kex, RFC 9941).
/// </summary>
internal static class HybridKexResult
{
    public static KexResult Create(ReadOnlySpan<byte> clientValue, ReadOnlySpan<byte> serverValue, ReadOnlySpan<byte> sharedDigest)
    {
        using var server = new SshWriter(serverValue.Length + 4);
        server.WriteBinary(serverValue);

        using var secret = new SshWriter(sharedDigest.Length + 4);
        secret.WriteBinary(sharedDigest);

        using var tail = new SshWriter(clientValue.Length + serverValue.Length + sharedDigest.Length + 12);
        tail.WriteBinary(clientValue).WriteRaw(server.WrittenSpan).WriteRaw(secret.WrittenSpan);

        return new KexResult(server.ToArray(), tail.ToArray(), secret.ToArray());
    }
}
