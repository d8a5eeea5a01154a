using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>An ecdsa-sha2-nistp256/384/521 host key (RFC 5656 §3).</summary>
internal sealed class EcdsaHostKey : SshHostKey
{
    // One host key signs for every connection; ECDsa instances are not documented as thread-safe.
    private readonly Lock _lock = new();
    private readonly ECDsa _key;
    private readonly string[] _algorithms;

    /// <summary>Takes ownership of <paramref name="key"/>, which must hold a private key on <paramref name="curve"/>.</summary>
    public EcdsaHostKey(ECDsa key, EcdsaCurve curve, string comment = "")
        : base(comment)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(curve);
        _key = key;
        Curve = curve;
        _algorithms = [curve.KeyType];
    }

    public static EcdsaHostKey Generate(EcdsaCurve curve, string comment = "")
    {
        ArgumentNullException.ThrowIfNull(curve);
        return new EcdsaHostKey(ECDsa.Create(curve.Curve), curve, comment);
    }

    public EcdsaCurve Curve { get; }

    public override string KeyType => Curve.KeyType;

    public override IReadOnlyList<string> SignatureAlgorithms => _algorithms;

    protected override void WritePublicKey(SshWriter writer)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        writer.WriteString(Curve.KeyType);
        writer.WriteString(Curve.Identifier);
        writer.WriteBinary(Curve.EncodePoint(parameters.Q));
    }

    protected override void WriteSignature(string signatureAlgorithm, ReadOnlySpan<byte> data, SshWriter writer)
    {
        int size = Curve.FieldSize;
        Span<byte> rs = stackalloc byte[2 * 66];
        int written;
        lock (_lock)
        {
            written = _key.SignData(data, rs, Curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        if (written != 2 * size)
        {
            throw new CryptographicException("Unexpected ECDSA signature length.");
        }
        // RFC 5656 §3.1.2: the signature string holds mpint r || mpint s.
        using var inner = new SshWriter(2 * size + 10);
        inner.WriteMpintFromUnsigned(rs[..size]);
        inner.WriteMpintFromUnsigned(rs[size..(2 * size)]);
        writer.WriteBinary(inner.WrittenSpan);
    }

    internal override void WriteOpenSshPrivateKey(SshWriter writer)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: true);
        try
        {
            writer.WriteString(Curve.KeyType);
            writer.WriteString(Curve.Identifier);
            writer.WriteBinary(Curve.EncodePoint(parameters.Q));
            writer.WriteMpintFromUnsigned(parameters.D);
        }
        finally
        {
            Wipe(parameters.D);
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
