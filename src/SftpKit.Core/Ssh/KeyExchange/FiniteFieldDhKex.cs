using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// diffie-hellman-group14/16 with SHA-2 (RFC 8268) and the legacy SHA-1 groups 1 and 14 (RFC 4253 §8), over the MODP
/// groups of RFC 2409 §6.2 and RFC 3526.
/// </summary>
internal sealed class FiniteFieldDhKex : IKexAlgorithm
{
    private readonly DHParameters _group;
    private readonly int _exponentBits;
    private bool _used;
    private bool _disposed;

    private FiniteFieldDhKex(string name, DHParameters group, HashAlgorithmName hash, int exponentBits)
    {
        Name = name;
        _group = group;
        HashAlgorithm = hash;
        _exponentBits = exponentBits;
    }

    // Private exponents are at least twice the group's security strength (RFC 3526 §8 table: about 110 bits for
    // 2048-bit and 150 for 4096-bit groups), with margin; a short exponent would make the discrete log easier than
    // the group itself. The cost of a 512-bit exponent is negligible next to the signature.
    public static FiniteFieldDhKex Group14Sha256() => new(KexAlgorithmRegistry.DhGroup14Sha256, DHStandardGroups.rfc3526_2048, HashAlgorithmName.SHA256, 512);

    public static FiniteFieldDhKex Group16Sha512() => new(KexAlgorithmRegistry.DhGroup16Sha512, DHStandardGroups.rfc3526_4096, HashAlgorithmName.SHA512, 512);

    public static FiniteFieldDhKex Group14Sha1() => new(KexAlgorithmRegistry.DhGroup14Sha1, DHStandardGroups.rfc3526_2048, HashAlgorithmName.SHA1, 512);

    public static FiniteFieldDhKex Group1Sha1() => new(KexAlgorithmRegistry.DhGroup1Sha1, DHStandardGroups.rfc2409_1024, HashAlgorithmName.SHA1, 256);

    public string Name { get; }

    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>The group's prime, for tests and for callers that check group sizes.</summary>
    internal BcBigInteger Prime => _group.P;

    public KexResult Respond(ReadOnlySpan<byte> clientValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used)
        {
            throw new InvalidOperationException("A key exchange instance serves one exchange.");
        }
        _used = true;

        var e = ParseClientValue(clientValue);
        var clientKey = ValidateClientValue(e);

        var x = GeneratePrivateExponent();
        var f = _group.G.ModPow(x, _group.P);

        BcBigInteger k;
        try
        {
            var agreement = new DHBasicAgreement();
            agreement.Init(new DHPrivateKeyParameters(x, _group));
            k = agreement.CalculateAgreement(clientKey);
        }
        catch (InvalidOperationException)
        {
            // BouncyCastle refuses K = 1, which only a client value outside the prime-order subgroup can cause.
            throw Failed("Diffie-Hellman shared secret is degenerate.");
        }

        byte[] kBytes = k.ToByteArrayUnsigned();
        try
        {
            using var serverValue = new SshWriter(_group.P.BitLength / 8 + 8);
            serverValue.WriteMpintFromUnsigned(f.ToByteArrayUnsigned());

            using var secret = new SshWriter(_group.P.BitLength / 8 + 8);
            secret.WriteMpintFromUnsigned(kBytes);

            // e is re-encoded canonically: that is what the client hashes, whatever padding it sent.
            using var tail = new SshWriter(3 * (_group.P.BitLength / 8 + 8));
            tail.WriteMpintFromUnsigned(e.ToByteArrayUnsigned())
                .WriteRaw(serverValue.WrittenSpan)
                .WriteRaw(secret.WrittenSpan);

            return new KexResult(serverValue.ToArray(), tail.ToArray(), secret.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kBytes);
        }
    }

    private BcBigInteger ParseClientValue(ReadOnlySpan<byte> mpint)
    {
        if (!mpint.IsEmpty && (mpint[0] & 0x80) != 0)
        {
            throw Failed("Diffie-Hellman value is negative.");
        }
        // Redundant leading zeros are tolerated (as OpenSSH does); the canonical form is what enters the hash.
        int start = mpint.IndexOfAnyExcept((byte)0);
        ReadOnlySpan<byte> magnitude = start < 0 ? [] : mpint[start..];
        if (magnitude.IsEmpty || magnitude.Length > (_group.P.BitLength + 7) / 8)
        {
            throw Failed("Diffie-Hellman value out of range.");
        }
        return new BcBigInteger(1, magnitude.ToArray());
    }

    private DHPublicKeyParameters ValidateClientValue(BcBigInteger e)
    {
        // RFC 4253 §8: 1 < e < p-1; e = 0, 1 or p-1 would force a known shared secret.
        var pMinusOne = _group.P.Subtract(BcBigInteger.One);
        if (e.CompareTo(BcBigInteger.One) <= 0 || e.CompareTo(pMinusOne) >= 0)
        {
            throw Failed("Diffie-Hellman value out of range.");
        }
        try
        {
            return new DHPublicKeyParameters(e, _group);
        }
        catch (ArgumentException)
        {
            // BouncyCastle also checks membership of the prime-order subgroup when the group carries q.
            throw Failed("Diffie-Hellman value is not in the group.");
        }
    }

    private BcBigInteger GeneratePrivateExponent()
    {
        byte[] random = new byte[_exponentBits / 8];
        try
        {
            RandomNumberGenerator.Fill(random);
            // Top bit set so the exponent always has the full intended size; it stays far below q = (p-1)/2.
            random[0] |= 0x80;
            return new BcBigInteger(1, random);
        }
        finally
        {
            // The BigInteger itself is immutable and cannot be wiped; the byte copy at least does not linger.
            CryptographicOperations.ZeroMemory(random);
        }
    }

    private static SshProtocolException Failed(string message) => new(SshDisconnectReason.KeyExchangeFailed, message);

    public void Dispose() => _disposed = true;
}
