using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>The three NIST curves of RFC 5656 §10.1 with the names and hash each one is bound to.</summary>
internal sealed class EcdsaCurve
{
    public static readonly EcdsaCurve NistP256 = new(SshKeyAlgorithmNames.EcdsaNistP256, "nistp256", ECCurve.NamedCurves.nistP256, "1.2.840.10045.3.1.7", HashAlgorithmName.SHA256, 32);
    public static readonly EcdsaCurve NistP384 = new(SshKeyAlgorithmNames.EcdsaNistP384, "nistp384", ECCurve.NamedCurves.nistP384, "1.3.132.0.34", HashAlgorithmName.SHA384, 48);
    public static readonly EcdsaCurve NistP521 = new(SshKeyAlgorithmNames.EcdsaNistP521, "nistp521", ECCurve.NamedCurves.nistP521, "1.3.132.0.35", HashAlgorithmName.SHA512, 66);

    private EcdsaCurve(string keyType, string identifier, ECCurve curve, string oid, HashAlgorithmName hash, int fieldSize)
    {
        KeyType = keyType;
        Identifier = identifier;
        Curve = curve;
        Oid = oid;
        Hash = hash;
        FieldSize = fieldSize;
        _keyTypeBytes = System.Text.Encoding.ASCII.GetBytes(keyType);
        _identifierBytes = System.Text.Encoding.ASCII.GetBytes(identifier);
    }

    private readonly byte[] _keyTypeBytes;
    private readonly byte[] _identifierBytes;

    public ReadOnlySpan<byte> KeyTypeBytes => _keyTypeBytes;
    public ReadOnlySpan<byte> IdentifierBytes => _identifierBytes;

    /// <summary>Key type and signature algorithm name, e.g. <c>ecdsa-sha2-nistp256</c>.</summary>
    public string KeyType { get; }

    /// <summary>The curve identifier carried inside the key blob, e.g. <c>nistp256</c>.</summary>
    public string Identifier { get; }

    public ECCurve Curve { get; }
    public string Oid { get; }
    public HashAlgorithmName Hash { get; }

    /// <summary>Bytes per coordinate and per scalar.</summary>
    public int FieldSize { get; }

    public static EcdsaCurve? FromKeyType(string keyType) => keyType switch
    {
        SshKeyAlgorithmNames.EcdsaNistP256 => NistP256,
        SshKeyAlgorithmNames.EcdsaNistP384 => NistP384,
        SshKeyAlgorithmNames.EcdsaNistP521 => NistP521,
        _ => null,
    };

    public static EcdsaCurve? FromOid(string? oid) => oid switch
    {
        "1.2.840.10045.3.1.7" => NistP256,
        "1.3.132.0.34" => NistP384,
        "1.3.132.0.35" => NistP521,
        _ => null,
    };

    /// <summary>Finds the curve of a key imported from PEM, where .NET may report the curve by OID value or by friendly name.</summary>
    public static EcdsaCurve? FromParameters(in ECParameters parameters)
    {
        var oid = parameters.Curve.Oid;
        return FromOid(oid?.Value) ?? (oid?.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1" => NistP256,
            "nistP384" or "ECDSA_P384" or "secp384r1" => NistP384,
            "nistP521" or "ECDSA_P521" or "secp521r1" => NistP521,
            _ => null,
        });
    }

    /// <summary>Encodes an uncompressed SEC1 point (0x04 || X || Y), the only form RFC 5656 §3.1 requires.</summary>
    public byte[] EncodePoint(in ECPoint q)
    {
        var point = new byte[1 + 2 * FieldSize];
        point[0] = 0x04;
        q.X.AsSpan().CopyTo(point.AsSpan(1 + FieldSize - q.X!.Length, q.X.Length));
        q.Y.AsSpan().CopyTo(point.AsSpan(1 + 2 * FieldSize - q.Y!.Length, q.Y.Length));
        return point;
    }

    /// <summary>Splits an uncompressed point; false when the encoding is not 0x04 with two coordinates of this curve's size.</summary>
    public bool TryDecodePoint(ReadOnlySpan<byte> point, out ECPoint q)
    {
        q = default;
        if (point.Length != 1 + 2 * FieldSize || point[0] != 0x04)
        {
            return false;
        }
        q.X = point.Slice(1, FieldSize).ToArray();
        q.Y = point.Slice(1 + FieldSize, FieldSize).ToArray();
        return true;
    }
}
