using Org.BouncyCastle.Math.EC.Rfc8032;

namespace SftpKit.Ssh.Keys;

/// <summary>Verifies ssh-ed25519 signatures (RFC 8709 §6) with BouncyCastle's RFC 8032 implementation.</summary>
internal sealed class Ed25519SignatureVerifier : SshSignatureVerifier
{
    // The decoded point is kept so each verification skips point decompression.
    private readonly Ed25519.PublicPoint _point;

    private Ed25519SignatureVerifier(Ed25519.PublicPoint point)
    {
        _point = point;
    }

    public static Ed25519SignatureVerifier Read(ref SshReader reader)
    {
        var raw = reader.ReadBinary();
        if (raw.Length != Ed25519HostKey.PublicKeySize)
        {
            throw new FormatException("An Ed25519 public key is 32 bytes.");
        }
        var point = Ed25519.ValidatePublicKeyPartialExport(raw.ToArray(), 0)
            ?? throw new FormatException("The Ed25519 public key is not a valid curve point.");
        return new Ed25519SignatureVerifier(point);
    }

    public override string? AcceptAlgorithm(ReadOnlySpan<byte> name, bool allowSha1) =>
        name.SequenceEqual("ssh-ed25519"u8) ? SshKeyAlgorithmNames.Ed25519 : null;

    public override bool Verify(string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519HostKey.SignatureSize)
        {
            return false;
        }
        byte[] message = data.ToArray();
        return Ed25519.Verify(signature.ToArray(), 0, _point, message, 0, message.Length);
    }
}
