using System.Security.Cryptography;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class EcdhNistKexTests
{
    public static TheoryData<string> Names => new()
    {
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
    };

    private static (ECCurve Curve, int Size, HashAlgorithmName Hash) Describe(string name) => name switch
    {
        "ecdh-sha2-nistp256" => (ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256),
        "ecdh-sha2-nistp384" => (ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384),
        _ => (ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512),
    };

    private static IKexAlgorithm Create(string name)
    {
        Assert.True(KexAlgorithmRegistry.TryCreate(name, out var kex));
        return kex;
    }

    private static byte[] Encode(ECParameters p)
    {
        byte[] point = new byte[1 + p.Q.X!.Length + p.Q.Y!.Length];
        point[0] = 0x04;
        p.Q.X.CopyTo(point, 1);
        p.Q.Y.CopyTo(point, 1 + p.Q.X.Length);
        return point;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Respond_AgreesWithClient(string name)
    {
        var (curve, size, hash) = Describe(name);
        using var client = ECDiffieHellman.Create(curve);
        byte[] clientPoint = Encode(client.ExportParameters(false));

        using var kex = Create(name);
        Assert.Equal(hash, kex.HashAlgorithm);
        var result = kex.Respond(clientPoint);

        byte[] serverPoint = KexWire.ReadSingleString(result.ServerValueEncoded);
        Assert.Equal(1 + (2 * size), serverPoint.Length);
        Assert.Equal(0x04, serverPoint[0]);
        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = serverPoint[1..(1 + size)], Y = serverPoint[(1 + size)..] },
        });
        byte[] x = client.DeriveRawSecretAgreement(server.PublicKey);

        Assert.Equal(KexWire.MpintOfUnsigned(x), result.SharedSecretEncoded);
        var (c, s, k) = KexWire.ReadTail(result.HashTail);
        Assert.Equal(clientPoint, c);
        Assert.Equal(serverPoint, s);
        Assert.Equal(result.SharedSecretEncoded, k);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rejects_PointOffCurve(string name)
    {
        var (curve, _, _) = Describe(name);
        using var client = ECDiffieHellman.Create(curve);
        byte[] point = Encode(client.ExportParameters(false));
        point[^1] ^= 0x01;
        using var kex = Create(name);
        KexWire.AssertKexFailed(() => kex.Respond(point));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rejects_WrongLengthOrForm(string name)
    {
        var (curve, size, _) = Describe(name);
        using var client = ECDiffieHellman.Create(curve);
        byte[] point = Encode(client.ExportParameters(false));

        using (var kex = Create(name))
        {
            KexWire.AssertKexFailed(() => kex.Respond(point.AsSpan(..^1)));
        }
        using (var kex = Create(name))
        {
            KexWire.AssertKexFailed(() => kex.Respond([.. point, 0]));
        }
        using (var kex = Create(name))
        {
            // Compressed form is not accepted.
            byte[] compressed = point[..(1 + size)];
            compressed[0] = 0x02;
            KexWire.AssertKexFailed(() => kex.Respond(compressed));
        }
        using (var kex = Create(name))
        {
            byte[] wrongPrefix = (byte[])point.Clone();
            wrongPrefix[0] = 0x03;
            KexWire.AssertKexFailed(() => kex.Respond(wrongPrefix));
        }
        using (var kex = Create(name))
        {
            byte[] zero = new byte[point.Length];
            zero[0] = 0x04;
            KexWire.AssertKexFailed(() => kex.Respond(zero));
        }
        using (var kex = Create(name))
        {
            KexWire.AssertKexFailed(() => kex.Respond([]));
        }
    }
}
