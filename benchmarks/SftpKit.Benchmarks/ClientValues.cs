using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace SftpKit.Benchmarks;

/// <summary>Client-side ephemeral values for the kex benchmarks, made with the same libraries a client would use.</summary>
internal static class ClientValues
{
    private static readonly SecureRandom Random = new();

    public static byte[] X25519()
    {
        var generator = new X25519KeyPairGenerator();
        generator.Init(new X25519KeyGenerationParameters(Random));
        return ((X25519PublicKeyParameters)generator.GenerateKeyPair().Public).GetEncoded();
    }

    public static byte[] MlKem768()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(Random, MLKemParameters.ml_kem_768));
        return ((MLKemPublicKeyParameters)generator.GenerateKeyPair().Public).GetEncoded();
    }

    public static byte[] Sntrup761()
    {
        var generator = new SNtruPrimeKeyPairGenerator();
        generator.Init(new SNtruPrimeKeyGenerationParameters(Random, SNtruPrimeParameters.sntrup761));
        return ((SNtruPrimePublicKeyParameters)generator.GenerateKeyPair().Public).GetEncoded();
    }

    public static byte[] Dh14()
    {
        // 2^x mod p with a random 256-bit x: any value in (1, p-1) of the group is what a client sends.
        var p = Org.BouncyCastle.Crypto.Agreement.DHStandardGroups.rfc3526_2048.P;
        var x = new Org.BouncyCastle.Math.BigInteger(256, Random);
        byte[] e = Org.BouncyCastle.Math.BigInteger.Two.ModPow(x, p).ToByteArrayUnsigned();
        return (e[0] & 0x80) != 0 ? [0, .. e] : e;
    }

    public static byte[] P256()
    {
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }
}
