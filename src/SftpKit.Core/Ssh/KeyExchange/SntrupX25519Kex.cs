using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// sntrup761x25519-sha512 (RFC 9941) and its original name sntrup761x25519-sha512@openssh.com (OpenSSH 8.5+): the
/// client sends a Streamlined NTRU Prime 761 public key followed by an X25519 key; the server answers with the
/// ciphertext followed by its X25519 key, and K = SHA-512(sntrup761 secret || X25519 secret) is encoded as a string.
/// </summary>
internal sealed class SntrupX25519Kex : IKexAlgorithm
{
    internal const int PublicKeySize = 1158;
    internal const int CiphertextSize = 1039;
    private const int KemSecretSize = 32;

    private bool _used;
    private bool _disposed;

    public SntrupX25519Kex(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public HashAlgorithmName HashAlgorithm => HashAlgorithmName.SHA512;

    public KexResult Respond(ReadOnlySpan<byte> clientValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used)
        {
            throw new InvalidOperationException("A key exchange instance serves one exchange.");
        }
        _used = true;

        if (clientValue.Length != PublicKeySize + X25519Exchange.KeySize)
        {
            throw Failed("Invalid sntrup761/X25519 client value length.");
        }

        // Every 1158-byte string decodes to some public key (Decode reduces each coefficient), as in OpenSSH, so there
        // is nothing further to validate on the KEM half.
        var publicKey = new SNtruPrimePublicKeyParameters(SNtruPrimeParameters.sntrup761, clientValue[..PublicKeySize].ToArray());

        byte[] serverReply = new byte[CiphertextSize + X25519Exchange.KeySize];
        Span<byte> combined = stackalloc byte[KemSecretSize + X25519Exchange.KeySize];
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        byte[]? kemSecret = null;
        try
        {
            using (var encapsulated = new SNtruPrimeKemGenerator(new SecureRandom(new CryptoApiRandomGenerator())).GenerateEncapsulated(publicKey))
            {
                byte[] ciphertext = encapsulated.GetEncapsulation();
                kemSecret = encapsulated.GetSecret();
                if (ciphertext.Length != CiphertextSize || kemSecret.Length != KemSecretSize)
                {
                    throw new CryptographicException("Unexpected sntrup761 encapsulation size.");
                }
                ciphertext.CopyTo(serverReply, 0);
            }
            // Concatenation order is fixed by the spec: KEM secret first, then the X25519 secret.
            kemSecret.CopyTo(combined);

            X25519Exchange.Agree(clientValue[PublicKeySize..], serverReply.AsSpan(CiphertextSize), combined[KemSecretSize..]);

            SHA512.HashData(combined, digest);
            return HybridKexResult.Create(clientValue, serverReply, digest);
        }
        finally
        {
            if (kemSecret is not null)
            {
                CryptographicOperations.ZeroMemory(kemSecret);
            }
            CryptographicOperations.ZeroMemory(combined);
            CryptographicOperations.ZeroMemory(digest);
        }
    }

    private static SshProtocolException Failed(string message) => new(SshDisconnectReason.KeyExchangeFailed, message);

    public void Dispose() => _disposed = true;
}
