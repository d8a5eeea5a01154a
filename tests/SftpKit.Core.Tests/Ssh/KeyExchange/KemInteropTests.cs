using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

/// <summary>
/// The KEM halves of the hybrids against answers from independent implementations (see <see cref="KexInteropVectors"/>):
/// BouncyCastle's decapsulation recomputes the encapsulation, so agreeing here means its encapsulation, hashing and key
/// formats are the ones OpenSSH uses.
/// </summary>
public class KemInteropTests
{
    // sntrup761 secret key layout (OpenSSH/supercop): f (191) || 1/g (191) || pk (1158) || rho (191) || Hash4(pk) (32).
    private const int SntrupPublicKeyOffset = 2 * 191;

    [Fact]
    public void Sntrup761_DecapsulatesOpenSshCiphertext()
    {
        var secretKey = new SNtruPrimePrivateKeyParameters(SNtruPrimeParameters.sntrup761, Convert.FromHexString(KexInteropVectors.SntrupSecretKey));
        byte[] ciphertext = Convert.FromHexString(KexInteropVectors.SntrupCiphertext);
        Assert.Equal(1039, ciphertext.Length);

        byte[] secret = new SNtruPrimeKemExtractor(secretKey).ExtractSecret(ciphertext);

        Assert.Equal(KexInteropVectors.SntrupSharedSecret, Convert.ToHexStringLower(secret));
    }

    [Fact]
    public void Sntrup761_ImplicitRejectionMatchesOpenSsh()
    {
        var secretKey = new SNtruPrimePrivateKeyParameters(SNtruPrimeParameters.sntrup761, Convert.FromHexString(KexInteropVectors.SntrupSecretKey));
        byte[] ciphertext = Convert.FromHexString(KexInteropVectors.SntrupCiphertext);
        ciphertext[KexInteropVectors.SntrupTamperedByte] ^= KexInteropVectors.SntrupTamperMask;

        byte[] secret = new SNtruPrimeKemExtractor(secretKey).ExtractSecret(ciphertext);

        Assert.Equal(KexInteropVectors.SntrupTamperedSharedSecret, Convert.ToHexStringLower(secret));
    }

    [Fact]
    public void SntrupX25519_ServerEncapsulatesToOpenSshGeneratedKey()
    {
        byte[] secretKeyBytes = Convert.FromHexString(KexInteropVectors.SntrupSecretKey);
        byte[] kemPublic = secretKeyBytes.AsSpan(SntrupPublicKeyOffset, 1158).ToArray();
        byte[] xPrivate = RandomNumberGenerator.GetBytes(32);
        byte[] xPublic = new byte[32];
        X25519.ScalarMultBase(xPrivate, 0, xPublic, 0);

        using var kex = new SntrupX25519Kex("sntrup761x25519-sha512@openssh.com");
        var result = kex.Respond([.. kemPublic, .. xPublic]);

        byte[] server = KexWire.ReadSingleString(result.ServerValueEncoded);
        var secretKey = new SNtruPrimePrivateKeyParameters(SNtruPrimeParameters.sntrup761, secretKeyBytes);
        byte[] kemSecret = new SNtruPrimeKemExtractor(secretKey).ExtractSecret(server[..1039]);
        byte[] xSecret = new byte[32];
        Assert.True(X25519.CalculateAgreement(xPrivate, 0, server, 1039, xSecret, 0));
        Assert.Equal(KexWire.SshString(SHA512.HashData([.. kemSecret, .. xSecret])), result.SharedSecretEncoded);
    }

    [Fact]
    public void MlKem768_KeyFromSeedAndDecapsulationMatchIndependentImplementation()
    {
        var privateKey = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, Convert.FromHexString(KexInteropVectors.MlKemSeed));
        Assert.Equal(KexInteropVectors.MlKemPublicKeySha256, Convert.ToHexStringLower(SHA256.HashData(privateKey.GetPublicKeyEncoded())));

        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
        decapsulator.Init(privateKey);
        byte[] secret = new byte[32];
        decapsulator.Decapsulate(Convert.FromHexString(KexInteropVectors.MlKemCiphertext), secret);

        Assert.Equal(KexInteropVectors.MlKemSharedSecret, Convert.ToHexStringLower(secret));
    }

    [Fact]
    public void MlKem768X25519_ServerEncapsulatesToIndependentlyDerivedKey()
    {
        var privateKey = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, Convert.FromHexString(KexInteropVectors.MlKemSeed));
        byte[] xPrivate = RandomNumberGenerator.GetBytes(32);
        byte[] xPublic = new byte[32];
        X25519.ScalarMultBase(xPrivate, 0, xPublic, 0);

        using var kex = new MlKem768X25519Kex();
        var result = kex.Respond([.. privateKey.GetPublicKeyEncoded(), .. xPublic]);

        byte[] server = KexWire.ReadSingleString(result.ServerValueEncoded);
        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
        decapsulator.Init(privateKey);
        byte[] kemSecret = new byte[32];
        decapsulator.Decapsulate(server.AsSpan(0, 1088), kemSecret);
        byte[] xSecret = new byte[32];
        Assert.True(X25519.CalculateAgreement(xPrivate, 0, server, 1088, xSecret, 0));
        Assert.Equal(KexWire.SshString(SHA256.HashData([.. kemSecret, .. xSecret])), result.SharedSecretEncoded);
    }
}
