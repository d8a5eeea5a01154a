using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Security;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class MlKem768X25519KexTests
{
    private sealed record Client(MLKemPrivateKeyParameters KemPrivate, byte[] X25519Private, byte[] Value);

    private static Client NewClient()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(new SecureRandom(), MLKemParameters.ml_kem_768));
        var pair = generator.GenerateKeyPair();
        byte[] kemPublic = ((MLKemPublicKeyParameters)pair.Public).GetEncoded();
        byte[] xPrivate = RandomNumberGenerator.GetBytes(32);
        byte[] xPublic = new byte[32];
        X25519.ScalarMultBase(xPrivate, 0, xPublic, 0);
        return new Client((MLKemPrivateKeyParameters)pair.Private, xPrivate, [.. kemPublic, .. xPublic]);
    }

    [Fact]
    public void Respond_AgreesWithClient_AndEncodesKAsString()
    {
        var client = NewClient();
        Assert.Equal(1184 + 32, client.Value.Length);

        using var kex = new MlKem768X25519Kex();
        Assert.Equal("mlkem768x25519-sha256", kex.Name);
        Assert.Equal(HashAlgorithmName.SHA256, kex.HashAlgorithm);
        var result = kex.Respond(client.Value);

        byte[] server = KexWire.ReadSingleString(result.ServerValueEncoded);
        Assert.Equal(1088 + 32, server.Length);

        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
        decapsulator.Init(client.KemPrivate);
        byte[] kemSecret = new byte[32];
        decapsulator.Decapsulate(server.AsSpan(0, 1088), kemSecret);
        byte[] xSecret = new byte[32];
        Assert.True(X25519.CalculateAgreement(client.X25519Private, 0, server, 1088, xSecret, 0));

        byte[] expected = KexWire.SshString(SHA256.HashData([.. kemSecret, .. xSecret]));
        Assert.Equal(expected, result.SharedSecretEncoded);

        var (c, s, k) = KexWire.ReadTail(result.HashTail);
        Assert.Equal(client.Value, c);
        Assert.Equal(server, s);
        Assert.Equal(expected, k);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(1184)]
    [InlineData(1183 + 32)]
    [InlineData(1185 + 32)]
    public void Rejects_WrongLength(int length)
    {
        var client = NewClient();
        byte[] value = length <= client.Value.Length ? client.Value[..length] : [.. client.Value, 0];
        using var kex = new MlKem768X25519Kex();
        KexWire.AssertKexFailed(() => kex.Respond(value));
    }

    [Fact]
    public void Rejects_EncapsulationKeyFailingModulusCheck()
    {
        var client = NewClient();
        // The first coefficient becomes 0xFFF, above q = 3329.
        client.Value[0] = 0xff;
        client.Value[1] |= 0x0f;
        using var kex = new MlKem768X25519Kex();
        KexWire.AssertKexFailed(() => kex.Respond(client.Value));
    }

    [Fact]
    public void Rejects_AllZeroX25519Key()
    {
        var client = NewClient();
        client.Value.AsSpan(1184).Clear();
        using var kex = new MlKem768X25519Kex();
        KexWire.AssertKexFailed(() => kex.Respond(client.Value));
    }
}
