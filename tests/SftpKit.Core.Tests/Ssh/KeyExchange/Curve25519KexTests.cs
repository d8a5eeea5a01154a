using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class Curve25519KexTests
{
    [Theory]
    [InlineData("curve25519-sha256")]
    [InlineData("curve25519-sha256@libssh.org")]
    public void Respond_AgreesWithClient_AndEncodesKAsMpint(string name)
    {
        byte[] clientPrivate = new byte[32];
        RandomNumberGenerator.Fill(clientPrivate);
        byte[] clientPublic = new byte[32];
        X25519.ScalarMultBase(clientPrivate, 0, clientPublic, 0);

        using var kex = new Curve25519Kex(name);
        Assert.Equal(name, kex.Name);
        Assert.Equal(HashAlgorithmName.SHA256, kex.HashAlgorithm);
        var result = kex.Respond(clientPublic);

        byte[] serverPublic = KexWire.ReadSingleString(result.ServerValueEncoded);
        Assert.Equal(32, serverPublic.Length);
        byte[] shared = new byte[32];
        Assert.True(X25519.CalculateAgreement(clientPrivate, 0, serverPublic, 0, shared, 0));

        Assert.Equal(KexWire.MpintOfUnsigned(shared), result.SharedSecretEncoded);

        var (c, s, k) = KexWire.ReadTail(result.HashTail);
        Assert.Equal(clientPublic, c);
        Assert.Equal(serverPublic, s);
        Assert.Equal(result.SharedSecretEncoded, k);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(65)]
    public void Rejects_WrongLength(int length)
    {
        using var kex = new Curve25519Kex("curve25519-sha256");
        KexWire.AssertKexFailed(() => kex.Respond(new byte[length]));
    }

    [Theory]
    // Low-order points: 0, 1 and p-1 give an all-zero shared secret whatever the server's scalar.
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    public void Rejects_LowOrderPoint(string hex)
    {
        using var kex = new Curve25519Kex("curve25519-sha256");
        KexWire.AssertKexFailed(() => kex.Respond(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Respond_IsSingleUse()
    {
        byte[] clientPublic = new byte[32];
        X25519.ScalarMultBase(RandomNumberGenerator.GetBytes(32), 0, clientPublic, 0);
        var kex = new Curve25519Kex("curve25519-sha256");
        kex.Respond(clientPublic);
        Assert.Throws<InvalidOperationException>(() => kex.Respond(clientPublic));
        kex.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kex.Respond(clientPublic));
    }
}
