using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace SftpKit.Ssh.Keys;

/// <summary>An ssh-ed25519 host key (RFC 8709); signing is BouncyCastle's RFC 8032 implementation.</summary>
internal sealed class Ed25519HostKey : SshHostKey
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static readonly string[] Algorithms = [SshKeyAlgorithmNames.Ed25519];

    private readonly byte[] _seed;
    private readonly byte[] _publicKey;

    /// <summary>Takes a copy of the 32-byte seed; the public key is derived from it.</summary>
    public Ed25519HostKey(ReadOnlySpan<byte> seed, string comment = "")
        : base(comment)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }
        _seed = seed.ToArray();
        _publicKey = new byte[PublicKeySize];
        Ed25519.GeneratePublicKey(_seed, 0, _publicKey, 0);
    }

    public static Ed25519HostKey Generate(string comment = "")
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return new Ed25519HostKey(seed, comment);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public override string KeyType => SshKeyAlgorithmNames.Ed25519;

    public override IReadOnlyList<string> SignatureAlgorithms => Algorithms;

    internal ReadOnlySpan<byte> RawPublicKey => _publicKey;

    protected override void WritePublicKey(SshWriter writer)
    {
        writer.WriteString(SshKeyAlgorithmNames.Ed25519);
        writer.WriteBinary(_publicKey);
    }

    protected override void WriteSignature(string signatureAlgorithm, ReadOnlySpan<byte> data, SshWriter writer)
    {
        // BouncyCastle's array API needs the message as an array; it is public data (the exchange hash), no wiping needed.
        byte[] message = data.ToArray();
        byte[] signature = new byte[SignatureSize];
        Ed25519.Sign(_seed, 0, _publicKey, 0, message, 0, message.Length, signature, 0);
        writer.WriteBinary(signature);
    }

    internal override void WriteOpenSshPrivateKey(SshWriter writer)
    {
        // OpenSSH stores the 64-byte "secret key" of the ref10 API: seed || public key.
        writer.WriteString(SshKeyAlgorithmNames.Ed25519);
        writer.WriteBinary(_publicKey);
        writer.WriteUInt32(SeedSize + PublicKeySize);
        writer.WriteRaw(_seed);
        writer.WriteRaw(_publicKey);
    }

    protected override void Dispose(bool disposing)
    {
        Wipe(_seed);
        base.Dispose(disposing);
    }
}
