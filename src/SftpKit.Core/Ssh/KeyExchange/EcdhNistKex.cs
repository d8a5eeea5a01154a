using System.Security.Cryptography;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>ecdh-sha2-nistp256/384/521 (RFC 5656 §4), with the hash fixed by the curve size (RFC 5656 §6.2.1).</summary>
internal sealed class EcdhNistKex : IKexAlgorithm
{
    private readonly ECCurve _curve;
    private readonly int _coordinateSize;
    private bool _used;
    private bool _disposed;

    private EcdhNistKex(string name, ECCurve curve, int coordinateSize, HashAlgorithmName hash)
    {
        Name = name;
        _curve = curve;
        _coordinateSize = coordinateSize;
        HashAlgorithm = hash;
    }

    public static EcdhNistKex NistP256() => new(KexAlgorithmRegistry.EcdhSha2NistP256, ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256);

    public static EcdhNistKex NistP384() => new(KexAlgorithmRegistry.EcdhSha2NistP384, ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384);

    public static EcdhNistKex NistP521() => new(KexAlgorithmRegistry.EcdhSha2NistP521, ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512);

    public string Name { get; }

    public HashAlgorithmName HashAlgorithm { get; }

    public KexResult Respond(ReadOnlySpan<byte> clientValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used)
        {
            throw new InvalidOperationException("A key exchange instance serves one exchange.");
        }
        _used = true;

        // SEC 1 §2.3.3 uncompressed form only: RFC 5656 §10.1 makes point compression optional and OpenSSH never sends it.
        if (clientValue.Length != 1 + (2 * _coordinateSize) || clientValue[0] != 0x04)
        {
            throw Failed("Invalid ECDH public key encoding.");
        }

        using var peer = ImportPeer(clientValue);
        using var ours = ECDiffieHellman.Create(_curve);

        byte[] shared;
        try
        {
            // Raw agreement is the X coordinate, left-padded to the field size: exactly K of RFC 5656 §4.
            shared = ours.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException)
        {
            throw Failed("ECDH agreement failed.");
        }

        try
        {
            var q = ours.ExportParameters(includePrivateParameters: false).Q;
            byte[] serverPoint = new byte[1 + (2 * _coordinateSize)];
            serverPoint[0] = 0x04;
            q.X.CopyTo(serverPoint.AsSpan(1));
            q.Y.CopyTo(serverPoint.AsSpan(1 + _coordinateSize));

            using var serverValue = new SshWriter(serverPoint.Length + 4);
            serverValue.WriteBinary(serverPoint);

            using var secret = new SshWriter(_coordinateSize + 8);
            secret.WriteMpintFromUnsigned(shared);

            using var tail = new SshWriter((4 * _coordinateSize) + 32);
            tail.WriteBinary(clientValue).WriteBinary(serverPoint).WriteRaw(secret.WrittenSpan);

            return new KexResult(serverValue.ToArray(), tail.ToArray(), secret.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private ECDiffieHellman ImportPeer(ReadOnlySpan<byte> point)
    {
        var parameters = new ECParameters
        {
            Curve = _curve,
            Q = new ECPoint
            {
                X = point.Slice(1, _coordinateSize).ToArray(),
                Y = point.Slice(1 + _coordinateSize, _coordinateSize).ToArray(),
            },
        };
        try
        {
            // Import validates that the point lies on the curve (RFC 5656 §4 "MUST verify"), which blocks
            // invalid-curve attacks; the NIST prime curves have cofactor 1, so no small-subgroup check is needed.
            return ECDiffieHellman.Create(parameters);
        }
        catch (CryptographicException)
        {
            throw Failed("ECDH public key is not a point on the curve.");
        }
    }

    private static SshProtocolException Failed(string message) => new(SshDisconnectReason.KeyExchangeFailed, message);

    public void Dispose() => _disposed = true;
}
