using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class SntrupX25519KexTests
{
    private sealed record Client(SNtruPrimePrivateKeyParameters KemPrivate, byte[] X25519Private, byte[] Value);

    private static Client NewClient()
    {
        var generator = new SNtruPrimeKeyPairGenerator();
        generator.Init(new SNtruPrimeKeyGenerationParameters(new SecureRandom(), SNtruPrimeParameters.sntrup761));
        var pair = generator.GenerateKeyPair();
        byte[] kemPublic = ((SNtruPrimePublicKeyParameters)pair.Public).GetPublicKey();
        byte[] xPrivate = RandomNumberGenerator.GetBytes(32);
        byte[] xPublic = new byte[32];
        X25519.ScalarMultBase(xPrivate, 0, xPublic, 0);
        return new Client((SNtruPrimePrivateKeyParameters)pair.Private, xPrivate, [.. kemPublic, .. xPublic]);
    }

    [Theory]
    [InlineData("sntrup761x25519-sha512")]
    [InlineData("sntrup761x25519-sha512@openssh.com")]
    public void Respond_AgreesWithClient_AndEncodesKAsString(string name)
    {
        var client = NewClient();
        Assert.Equal(1158 + 32, client.Value.Length);

        Assert.True(KexAlgorithmRegistry.TryCreate(name, out var kex));
        using (kex)
        {
            Assert.Equal(name, kex.Name);
            Assert.Equal(HashAlgorithmName.SHA512, kex.HashAlgorithm);
            var result = kex.Respond(client.Value);

            byte[] server = KexWire.ReadSingleString(result.ServerValueEncoded);
            Assert.Equal(1039 + 32, server.Length);

            byte[] kemSecret = new SNtruPrimeKemExtractor(client.KemPrivate).ExtractSecret(server[..1039]);
            byte[] xSecret = new byte[32];
            Assert.True(X25519.CalculateAgreement(client.X25519Private, 0, server, 1039, xSecret, 0));

            byte[] expected = KexWire.SshString(SHA512.HashData([.. kemSecret, .. xSecret]));
            Assert.Equal(expected, result.SharedSecretEncoded);

            var (c, s, k) = KexWire.ReadTail(result.HashTail);
            Assert.Equal(client.Value, c);
            Assert.Equal(server, s);
            Assert.Equal(expected, k);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(1158)]
    [InlineData(1157 + 32)]
    [InlineData(1159 + 32)]
    public void Rejects_WrongLength(int length)
    {
        var client = NewClient();
        byte[] value = length <= client.Value.Length ? client.Value[..length] : [.. client.Value, 0];
        using var kex = new SntrupX25519Kex("sntrup761x25519-sha512");
        KexWire.AssertKexFailed(() => kex.Respond(value));
    }

    [Fact]
    public void Rejects_AllZeroX25519Key()
    {
        var client = NewClient();
        client.Value.AsSpan(1158).Clear();
        using var kex = new SntrupX25519Kex("sntrup761x25519-sha512");
        KexWire.AssertKexFailed(() => kex.Respond(client.Value));
    }
}
