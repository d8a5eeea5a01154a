using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>Verifies rsa-sha2-256/512 (RFC 8332) and, on opt-in, SHA-1 ssh-rsa signatures.</summary>
internal sealed class RsaSignatureVerifier : SshSignatureVerifier
{
    /// <summary>OpenSSH's SSH_RSA_MAXIMUM_MODULUS_SIZE: larger keys only cost the server CPU.</summary>
    public const int MaximumKeySize = 16384;

    // RSA instances are not documented as thread-safe and one SshPublicKey may be verified from several connections.
    private readonly Lock _lock = new();
    private readonly RSA _key;
    private readonly int _modulusLength;

    private RsaSignatureVerifier(RSA key, int modulusLength)
    {
        _key = key;
        _modulusLength = modulusLength;
    }

    public int KeySize => _key.KeySize;

    public static RsaSignatureVerifier Read(ref SshReader reader)
    {
        if (!UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var e)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var n))
        {
            throw new FormatException("Malformed RSA public key integer.");
        }
        if (n.IsEmpty || e.IsEmpty || (e[^1] & 1) == 0 || n.Length * 8 > MaximumKeySize)
        {
            throw new FormatException("Invalid RSA public key.");
        }
        var key = RSA.Create();
        try
        {
            key.ImportParameters(new RSAParameters { Modulus = n.ToArray(), Exponent = e.ToArray() });
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new FormatException("Invalid RSA public key.", ex);
        }
        return new RsaSignatureVerifier(key, n.Length);
    }

    public override string? AcceptAlgorithm(ReadOnlySpan<byte> name, bool allowSha1)
    {
        if (name.SequenceEqual("rsa-sha2-512"u8))
        {
            return SshKeyAlgorithmNames.RsaSha512;
        }
        if (name.SequenceEqual("rsa-sha2-256"u8))
        {
            return SshKeyAlgorithmNames.RsaSha256;
        }
        return allowSha1 && name.SequenceEqual("ssh-rsa"u8) ? SshKeyAlgorithmNames.RsaSha1 : null;
    }

    public override bool Verify(string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (_key.KeySize < RsaHostKey.MinimumKeySize || signature.IsEmpty || signature.Length > _modulusLength)
        {
            return false;
        }
        var hash = algorithm switch
        {
            SshKeyAlgorithmNames.RsaSha512 => HashAlgorithmName.SHA512,
            SshKeyAlgorithmNames.RsaSha256 => HashAlgorithmName.SHA256,
            _ => HashAlgorithmName.SHA1,
        };
        // RFC 8332 §3: some signers drop leading zero bytes; restore the modulus length the verifier expects.
        byte[]? padded = null;
        if (signature.Length < _modulusLength)
        {
            padded = new byte[_modulusLength];
            signature.CopyTo(padded.AsSpan(_modulusLength - signature.Length));
            signature = padded;
        }
        lock (_lock)
        {
            return _key.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
        }
    }
}
