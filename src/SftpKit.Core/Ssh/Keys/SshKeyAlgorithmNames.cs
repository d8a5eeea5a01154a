namespace SftpKit.Ssh.Keys;

/// <summary>Public key and signature algorithm names (RFC 4253 §6.6, RFC 5656 §6.2, RFC 8332, RFC 8709).</summary>
internal static class SshKeyAlgorithmNames
{
    public const string Ed25519 = "ssh-ed25519";
    public const string EcdsaNistP256 = "ecdsa-sha2-nistp256";
    public const string EcdsaNistP384 = "ecdsa-sha2-nistp384";
    public const string EcdsaNistP521 = "ecdsa-sha2-nistp521";
    public const string Rsa = "ssh-rsa";
    public const string RsaSha256 = "rsa-sha2-256";
    public const string RsaSha512 = "rsa-sha2-512";

    /// <summary>The legacy RSA signature name is also the RSA key type; it means SHA-1 when naming a signature.</summary>
    public const string RsaSha1 = Rsa;
}
