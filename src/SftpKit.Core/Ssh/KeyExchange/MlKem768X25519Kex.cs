using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex, OpenSSH 9.9+): the client sends an ML-KEM-768 encapsulation
/// key followed by an X25519 key; the server answers with the ciphertext followed by its X25519 key, and
/// K = SHA-256(ML-KEM secret || X25519 secret) is encoded as a string.
/// </summary>
internal sealed class MlKem768X25519Kex : IKexAlgorithm
{
    internal const int EncapsulationKeySize = 1184;
    internal const int CiphertextSize = 1088;
    private const int KemSecretSize = 32;

    private bool _used;
    private bool _disposed;

    public string Name => KexAlgorithmRegistry.MlKem768X25519Sha256;

    public HashAlgorithmName HashAlgorithm => HashAlgorithmName.SHA256;

    public KexResult Respond(ReadOnlySpan<byte> clientValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used)
        {
            throw new InvalidOperationException("A key exchange instance serves one exchange.");
        }
        _used = true;

        if (clientValue.Length != EncapsulationKeySize + X25519Exchange.KeySize)
        {
            throw Failed("Invalid ML-KEM-768/X25519 client value length.");
        }

        MLKemPublicKeyParameters encapsulationKey;
        try
        {
            // FromEncoding performs the FIPS 203 §7.2 modulus check, like OpenSSH's validate_public_key.
            encapsulationKey = MLKemPublicKeyParameters.FromEncoding(MLKemParameters.ml_kem_768, clientValue[..EncapsulationKeySize].ToArray());
        }
        catch (ArgumentException)
        {
            throw Failed("Invalid ML-KEM-768 encapsulation key.");
        }

        byte[] serverReply = new byte[CiphertextSize + X25519Exchange.KeySize];
        // Concatenation order is fixed by the spec: KEM secret first, then the X25519 secret.
        Span<byte> combined = stackalloc byte[KemSecretSize + X25519Exchange.KeySize];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            var encapsulator = new MLKemEncapsulator(MLKemParameters.ml_kem_768);
            encapsulator.Init(new ParametersWithRandom(encapsulationKey, new SecureRandom(new CryptoApiRandomGenerator())));
            encapsulator.Encapsulate(serverReply.AsSpan(0, CiphertextSize), combined[..KemSecretSize]);

            X25519Exchange.Agree(clientValue[EncapsulationKeySize..], serverReply.AsSpan(CiphertextSize), combined[KemSecretSize..]);

            SHA256.HashData(combined, digest);
            return HybridKexResult.Create(clientValue, serverReply, digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(combined);
            CryptographicOperations.ZeroMemory(digest);
        }
    }

    private static SshProtocolException Failed(string message) => new(SshDisconnectReason.KeyExchangeFailed, message);

    public void Dispose() => _disposed = true;
}
