using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>An ssh-rsa host key signing with rsa-sha2-512/256 (RFC 8332), and SHA-1 ssh-rsa only on explicit opt-in.</summary>
internal sealed class RsaHostKey : SshHostKey
{
    /// <summary>Host keys below this size are refused; it is also the floor for verifying client RSA signatures.</summary>
    public const int MinimumKeySize = 2048;

    private static readonly string[] Sha2Algorithms = [SshKeyAlgorithmNames.RsaSha512, SshKeyAlgorithmNames.RsaSha256];
    private static readonly string[] AllAlgorithms = [SshKeyAlgorithmNames.RsaSha512, SshKeyAlgorithmNames.RsaSha256, SshKeyAlgorithmNames.RsaSha1];

    // One host key signs for every connection; RSA instances are not documented as thread-safe.
    private readonly Lock _lock = new();
    private readonly RSA _key;

    /// <summary>Takes ownership of <paramref name="key"/>, which must hold a private key.</summary>
    /// <param name="key">The RSA key.</param>
    /// <param name="allowSha1">Whether to also offer SHA-1 <c>ssh-rsa</c> signatures. Defaults to <see langword="false"/>.</param>
    /// <param name="comment">The key comment. Defaults to empty.</param>
    public RsaHostKey(RSA key, bool allowSha1 = false, string comment = "")
        : base(comment)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize < MinimumKeySize)
        {
            throw new ArgumentException($"RSA host keys must be at least {MinimumKeySize} bits; this one is {key.KeySize}.", nameof(key));
        }
        _key = key;
        SignatureAlgorithms = allowSha1 ? AllAlgorithms : Sha2Algorithms;
    }

    public static RsaHostKey Generate(int keySize = 3072, bool allowSha1 = false, string comment = "") =>
        new(RSA.Create(keySize), allowSha1, comment);

    public override string KeyType => SshKeyAlgorithmNames.Rsa;

    public override IReadOnlyList<string> SignatureAlgorithms { get; }

    public int KeySize => _key.KeySize;

    protected override void WritePublicKey(SshWriter writer)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        writer.WriteString(SshKeyAlgorithmNames.Rsa);
        writer.WriteMpintFromUnsigned(parameters.Exponent);
        writer.WriteMpintFromUnsigned(parameters.Modulus);
    }

    protected override void WriteSignature(string signatureAlgorithm, ReadOnlySpan<byte> data, SshWriter writer)
    {
        var hash = signatureAlgorithm switch
        {
            SshKeyAlgorithmNames.RsaSha512 => HashAlgorithmName.SHA512,
            SshKeyAlgorithmNames.RsaSha256 => HashAlgorithmName.SHA256,
            _ => HashAlgorithmName.SHA1,
        };
        int size = (_key.KeySize + 7) / 8;
        writer.WriteUInt32((uint)size);
        int written;
        lock (_lock)
        {
            written = _key.SignData(data, writer.GetSpan(size), hash, RSASignaturePadding.Pkcs1);
        }
        if (written != size)
        {
            throw new CryptographicException("Unexpected RSA signature length.");
        }
        writer.Advance(written);
    }

    internal override void WriteOpenSshPrivateKey(SshWriter writer)
    {
        var p = _key.ExportParameters(includePrivateParameters: true);
        try
        {
            // sshkey.c order: n, e, d, iqmp, p, q.
            writer.WriteString(SshKeyAlgorithmNames.Rsa);
            writer.WriteMpintFromUnsigned(p.Modulus);
            writer.WriteMpintFromUnsigned(p.Exponent);
            writer.WriteMpintFromUnsigned(p.D);
            writer.WriteMpintFromUnsigned(p.InverseQ);
            writer.WriteMpintFromUnsigned(p.P);
            writer.WriteMpintFromUnsigned(p.Q);
        }
        finally
        {
            Wipe(p.D);
            Wipe(p.P);
            Wipe(p.Q);
            Wipe(p.DP);
            Wipe(p.DQ);
            Wipe(p.InverseQ);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
        base.Dispose(disposing);
    }
}
