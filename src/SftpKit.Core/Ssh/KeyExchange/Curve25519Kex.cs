using System.Security.Cryptography;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>curve25519-sha256 and its pre-RFC alias curve25519-sha256@libssh.org (RFC 8731).</summary>
internal sealed class Curve25519Kex : IKexAlgorithm
{
    private bool _used;
    private bool _disposed;

    public Curve25519Kex(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public HashAlgorithmName HashAlgorithm => HashAlgorithmName.SHA256;

    public KexResult Respond(ReadOnlySpan<byte> clientValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used)
        {
            throw new InvalidOperationException("A key exchange instance serves one exchange.");
        }
        _used = true;

        Span<byte> serverPublic = stackalloc byte[X25519Exchange.KeySize];
        Span<byte> shared = stackalloc byte[X25519Exchange.KeySize];
        try
        {
            X25519Exchange.Agree(clientValue, serverPublic, shared);

            using var serverValue = new SshWriter(64);
            serverValue.WriteBinary(serverPublic);

            // RFC 8731 §3.1: the 32 output bytes are read as a big-endian unsigned integer as they are (no reversal).
            using var secret = new SshWriter(64);
            secret.WriteMpintFromUnsigned(shared);

            using var tail = new SshWriter(160);
            tail.WriteBinary(clientValue).WriteBinary(serverPublic).WriteRaw(secret.WrittenSpan);

            return new KexResult(serverValue.ToArray(), tail.ToArray(), secret.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    public void Dispose() => _disposed = true;
}
