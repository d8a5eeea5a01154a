using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>Verifies ecdsa-sha2-nistp* signatures (RFC 5656 §3.1.2), the hash fixed by the curve.</summary>
internal sealed class EcdsaSignatureVerifier : SshSignatureVerifier
{
    // ECDsa instances are not documented as thread-safe and one SshPublicKey may be verified from several connections.
    private readonly Lock _lock = new();
    private readonly ECDsa _key;
    private readonly EcdsaCurve _curve;

    private EcdsaSignatureVerifier(ECDsa key, EcdsaCurve curve)
    {
        _key = key;
        _curve = curve;
    }

    public static EcdsaSignatureVerifier Read(ref SshReader reader, EcdsaCurve curve)
    {
        // The key type names the curve; the identifier inside must agree (RFC 5656 §3.1).
        if (!reader.ReadBinary().SequenceEqual(curve.IdentifierBytes))
        {
            throw new FormatException("The ECDSA curve identifier does not match the key type.");
        }
        if (!curve.TryDecodePoint(reader.ReadBinary(), out var q))
        {
            throw new FormatException("The ECDSA public point is not an uncompressed point of the key's curve.");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = curve.Curve, Q = q });
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new FormatException("The ECDSA public point is not on the curve.", e);
        }
        return new EcdsaSignatureVerifier(key, curve);
    }

    public override string? AcceptAlgorithm(ReadOnlySpan<byte> name, bool allowSha1) =>
        name.SequenceEqual(_curve.KeyTypeBytes) ? _curve.KeyType : null;

    public override bool Verify(string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        int size = _curve.FieldSize;
        Span<byte> rs = stackalloc byte[2 * 66];
        rs = rs[..(2 * size)];
        try
        {
            var reader = new SshReader(signature);
            if (!UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var r)
                || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var s)
                || !reader.End
                || !UnsignedMpint.TryCopyPadded(r, rs[..size])
                || !UnsignedMpint.TryCopyPadded(s, rs[size..]))
            {
                return false;
            }
        }
        catch (SshProtocolException)
        {
            return false;
        }
        lock (_lock)
        {
            return _key.VerifyData(data, rs, _curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }
}
