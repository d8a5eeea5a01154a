namespace SftpKit.Ssh.Keys;

/// <summary>
/// The parsed form of a public key, built once per <see cref="SshPublicKey"/>, that checks signatures for it.
/// Implementations return false for any malformed or unacceptable signature and never throw on peer input.
/// </summary>
internal abstract class SshSignatureVerifier
{
    /// <summary>Checks the raw signature (the content of the inner string) made with <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm">One of the interned names in <see cref="SshKeyAlgorithmNames"/>, already matched to this key type.</param>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">The algorithm-specific signature bytes.</param>
    public abstract bool Verify(string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Maps the signature name from the wire to the interned constant this key type accepts, or null.</summary>
    public abstract string? AcceptAlgorithm(ReadOnlySpan<byte> name, bool allowSha1);

    /// <summary>Parses a key blob; throws <see cref="FormatException"/> when malformed or of an unsupported type.</summary>
    public static SshSignatureVerifier Parse(ReadOnlySpan<byte> blob, out string keyType)
    {
        try
        {
            var reader = new SshReader(blob);
            keyType = ReadKnownName(ref reader);
            SshSignatureVerifier verifier = keyType switch
            {
                SshKeyAlgorithmNames.Ed25519 => Ed25519SignatureVerifier.Read(ref reader),
                SshKeyAlgorithmNames.Rsa => RsaSignatureVerifier.Read(ref reader),
                _ => EcdsaSignatureVerifier.Read(ref reader, EcdsaCurve.FromKeyType(keyType)!),
            };
            if (!reader.End)
            {
                throw new FormatException("Trailing data after the public key.");
            }
            return verifier;
        }
        catch (SshProtocolException e)
        {
            throw new FormatException("Malformed public key blob: " + e.Message, e);
        }
    }

    private static string ReadKnownName(ref SshReader reader)
    {
        var name = reader.ReadBinary();
        return KeyTypeFromName(name) ?? throw new FormatException("Unsupported public key type.");
    }

    /// <summary>Maps a key type name to its interned constant; null for types SftpKit does not support.</summary>
    public static string? KeyTypeFromName(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("ssh-ed25519"u8))
        {
            return SshKeyAlgorithmNames.Ed25519;
        }
        if (name.SequenceEqual("ssh-rsa"u8))
        {
            return SshKeyAlgorithmNames.Rsa;
        }
        if (name.SequenceEqual("ecdsa-sha2-nistp256"u8))
        {
            return SshKeyAlgorithmNames.EcdsaNistP256;
        }
        if (name.SequenceEqual("ecdsa-sha2-nistp384"u8))
        {
            return SshKeyAlgorithmNames.EcdsaNistP384;
        }
        return name.SequenceEqual("ecdsa-sha2-nistp521"u8) ? SshKeyAlgorithmNames.EcdsaNistP521 : null;
    }
}
