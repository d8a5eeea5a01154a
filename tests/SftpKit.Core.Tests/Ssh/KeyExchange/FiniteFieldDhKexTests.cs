using System.Numerics;
using System.Security.Cryptography;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class FiniteFieldDhKexTests
{
    public static TheoryData<string> Names => new()
    {
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group1-sha1",
    };

    private static FiniteFieldDhKex Create(string name)
    {
        Assert.True(KexAlgorithmRegistry.TryCreate(name, out var kex));
        return Assert.IsType<FiniteFieldDhKex>(kex);
    }

    private static BigInteger PrimeOf(FiniteFieldDhKex kex) =>
        new(kex.Prime.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    private static byte[] MpintBody(BigInteger value) =>
        value.IsZero ? [] : value.ToByteArray(isUnsigned: false, isBigEndian: true);

    [Theory]
    // SHA-256 of the big-endian prime, from OpenSSL's independent copy of RFC 3526 (modp_2048, modp_4096).
    [InlineData("diffie-hellman-group14-sha256", "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e")]
    [InlineData("diffie-hellman-group14-sha1", "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e")]
    [InlineData("diffie-hellman-group16-sha512", "4ee95187682bcb230ad26a95205f6920e84708f6251b3894329b09ec23919e33")]
    public void UsesRfc3526Prime(string name, string primeSha256)
    {
        using var kex = Create(name);
        Assert.Equal(primeSha256, Convert.ToHexStringLower(SHA256.HashData(kex.Prime.ToByteArrayUnsigned())));
    }

    [Fact]
    public void Group1_UsesRfc2409OakleyGroup2()
    {
        const string Oakley2 =
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";
        using var kex = Create("diffie-hellman-group1-sha1");
        Assert.Equal(Oakley2, Convert.ToHexString(kex.Prime.ToByteArrayUnsigned()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Respond_AgreesWithClient(string name)
    {
        using var kex = Create(name);
        var p = PrimeOf(kex);
        var x = new BigInteger(RandomNumberGenerator.GetBytes(32), isUnsigned: true, isBigEndian: true);
        var e = BigInteger.ModPow(2, x, p);

        var result = kex.Respond(MpintBody(e));

        var reader = new SftpKit.Ssh.SshReader(result.ServerValueEncoded);
        var f = reader.ReadMpint();
        Assert.True(reader.End);
        Assert.True(f > 1 && f < p - 1);
        var k = BigInteger.ModPow(f, x, p);

        Assert.Equal(KexWire.MpintOfUnsigned(k.ToByteArray(isUnsigned: true, isBigEndian: true)), result.SharedSecretEncoded);

        var tail = new SftpKit.Ssh.SshReader(result.HashTail);
        Assert.Equal(e, tail.ReadMpint());
        Assert.Equal(f, tail.ReadMpint());
        int kStart = tail.Position;
        Assert.Equal(k, tail.ReadMpint());
        Assert.True(tail.End);
        Assert.Equal(result.SharedSecretEncoded, result.HashTail[kStart..]);
        Assert.Equal(result.ServerValueEncoded, result.HashTail[(kStart - result.ServerValueEncoded.Length)..kStart]);
    }

    [Fact]
    public void Respond_ReencodesPaddedClientValueCanonically()
    {
        using var kex = Create("diffie-hellman-group14-sha256");
        var p = PrimeOf(kex);
        var e = BigInteger.ModPow(2, 12345, p);
        byte[] padded = [0, 0, .. MpintBody(e)];
        var result = kex.Respond(padded);
        var tail = new SftpKit.Ssh.SshReader(result.HashTail);
        Assert.Equal(MpintBody(e), tail.ReadMpintBytes().ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rejects_OutOfRangeValues(string name)
    {
        using var probe = Create(name);
        var p = PrimeOf(probe);
        BigInteger[] bad = [BigInteger.Zero, BigInteger.One, p - 1, p, p + 1, p * 2];
        foreach (var e in bad)
        {
            using var kex = Create(name);
            KexWire.AssertKexFailed(() => kex.Respond(MpintBody(e)));
        }
    }

    [Fact]
    public void Rejects_NegativeAndOversizedEncodings()
    {
        using (var kex = Create("diffie-hellman-group14-sha256"))
        {
            KexWire.AssertKexFailed(() => kex.Respond([0xff, 0x01]));
        }
        using (var kex = Create("diffie-hellman-group14-sha256"))
        {
            byte[] huge = new byte[4096];
            huge[0] = 0x01;
            KexWire.AssertKexFailed(() => kex.Respond(huge));
        }
        using (var kex = Create("diffie-hellman-group14-sha256"))
        {
            KexWire.AssertKexFailed(() => kex.Respond([0x00]));
        }
    }

    [Fact]
    public void Rejects_ValueOutsidePrimeOrderSubgroup()
    {
        // p ≡ 7 (mod 8) makes -2 a quadratic non-residue, so p-2 is in range but outside the subgroup generated by 2.
        using var kex = Create("diffie-hellman-group14-sha256");
        var p = PrimeOf(kex);
        KexWire.AssertKexFailed(() => kex.Respond(MpintBody(p - 2)));
    }

    [Fact]
    public void LegacyGroups_AreMarkedLegacy()
    {
        Assert.True(KexAlgorithmRegistry.IsLegacy("diffie-hellman-group14-sha1"));
        Assert.True(KexAlgorithmRegistry.IsLegacy("diffie-hellman-group1-sha1"));
        Assert.False(KexAlgorithmRegistry.IsLegacy("diffie-hellman-group14-sha256"));
        Assert.False(KexAlgorithmRegistry.IsLegacy("diffie-hellman-group16-sha512"));
    }
}
