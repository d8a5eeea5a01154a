using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>
/// The unencrypted openssh-key-v1 private key format of OpenSSH's PROTOCOL.key, as written by <c>ssh-keygen</c>.
/// Parse errors surface as <see cref="InvalidDataException"/>, encryption as <see cref="NotSupportedException"/>.
/// </summary>
internal static class OpenSshPrivateKeyFormat
{
    public const string PemLabel = "OPENSSH PRIVATE KEY";

    // The private section is padded to the cipher block size; "none" uses 8 like sshkey.c.
    private const int BlockSize = 8;

    private static ReadOnlySpan<byte> Magic => "openssh-key-v1\0"u8;

    public static SshHostKey Read(ReadOnlySpan<byte> data, bool allowRsaSha1)
    {
        try
        {
            return ReadCore(data, allowRsaSha1);
        }
        catch (SshProtocolException e)
        {
            throw new InvalidDataException("The OpenSSH private key is truncated or malformed.", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("The OpenSSH private key is malformed: " + e.Message, e);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException("The OpenSSH private key holds an invalid key: " + e.Message, e);
        }
    }

    private static SshHostKey ReadCore(ReadOnlySpan<byte> data, bool allowRsaSha1)
    {
        if (!data.StartsWith(Magic))
        {
            throw new InvalidDataException("Not an openssh-key-v1 private key.");
        }
        var reader = new SshReader(data[Magic.Length..]);
        string cipher = reader.ReadString();
        string kdf = reader.ReadString();
        var kdfOptions = reader.ReadBinary();
        if (cipher != "none" || kdf != "none")
        {
            throw new NotSupportedException(
                $"The private key is encrypted with a passphrase (cipher '{cipher}', kdf '{kdf}'); SftpKit does not support passphrase-protected host keys yet. Remove the passphrase with 'ssh-keygen -p -N \"\" -f <file>'.");
        }
        if (!kdfOptions.IsEmpty)
        {
            throw new InvalidDataException("Unencrypted key has KDF options.");
        }
        if (reader.ReadUInt32() != 1)
        {
            throw new InvalidDataException("Only files holding exactly one key are supported.");
        }
        var publicBlob = reader.ReadBinary();
        var privateSection = reader.ReadBinary();
        if (!reader.End)
        {
            throw new InvalidDataException("Trailing data after the private key section.");
        }
        if (privateSection.Length % BlockSize != 0)
        {
            throw new InvalidDataException("The private key section is not padded to the block size.");
        }

        var section = new SshReader(privateSection);
        // Matching check integers are how OpenSSH tells a correct decryption from garbage; for "none" they flag corruption.
        if (section.ReadUInt32() != section.ReadUInt32())
        {
            throw new InvalidDataException("The private key check integers do not match: the file is corrupt.");
        }
        string keyType = SshSignatureVerifier.KeyTypeFromName(section.ReadBinary())
            ?? throw new NotSupportedException("Unsupported private key type; SftpKit supports ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa.");
        // The comment follows the key fields but the key objects take it at construction: read it ahead on a copy.
        var ahead = section;
        int fieldCount = keyType switch { SshKeyAlgorithmNames.Ed25519 => 2, SshKeyAlgorithmNames.Rsa => 6, _ => 3 };
        for (int i = 0; i < fieldCount; i++)
        {
            ahead.ReadBinary();
        }
        string comment = ahead.ReadString();
        SshHostKey key = keyType switch
        {
            SshKeyAlgorithmNames.Ed25519 => ReadEd25519(ref section, comment),
            SshKeyAlgorithmNames.Rsa => ReadRsa(ref section, allowRsaSha1, comment),
            _ => ReadEcdsa(ref section, EcdsaCurve.FromKeyType(keyType)!, comment),
        };
        try
        {
            section.ReadString();
            CheckPadding(section.RemainingSpan);
            if (!key.PublicKeyBlob.AsSpan().SequenceEqual(publicBlob))
            {
                throw new InvalidDataException("The private key does not match the public key stored with it.");
            }
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static void CheckPadding(ReadOnlySpan<byte> padding)
    {
        // sshkey.c pads with 1, 2, 3, ... and rejects anything else.
        if (padding.Length >= BlockSize)
        {
            throw new InvalidDataException("The private key section has excess padding.");
        }
        for (int i = 0; i < padding.Length; i++)
        {
            if (padding[i] != i + 1)
            {
                throw new InvalidDataException("The private key section has invalid padding.");
            }
        }
    }

    private static Ed25519HostKey ReadEd25519(ref SshReader reader, string comment)
    {
        var publicKey = reader.ReadBinary();
        var secret = reader.ReadBinary();
        if (publicKey.Length != Ed25519HostKey.PublicKeySize || secret.Length != Ed25519HostKey.SeedSize + Ed25519HostKey.PublicKeySize
            || !secret[Ed25519HostKey.SeedSize..].SequenceEqual(publicKey))
        {
            throw new InvalidDataException("Malformed Ed25519 private key.");
        }
        var key = new Ed25519HostKey(secret[..Ed25519HostKey.SeedSize], comment);
        if (!key.RawPublicKey.SequenceEqual(publicKey))
        {
            key.Dispose();
            throw new InvalidDataException("The Ed25519 seed does not produce the stored public key.");
        }
        return key;
    }

    private static EcdsaHostKey ReadEcdsa(ref SshReader reader, EcdsaCurve curve, string comment)
    {
        if (!reader.ReadBinary().SequenceEqual(curve.IdentifierBytes))
        {
            throw new InvalidDataException("The ECDSA curve identifier does not match the key type.");
        }
        if (!curve.TryDecodePoint(reader.ReadBinary(), out var q)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var d))
        {
            throw new InvalidDataException("Malformed ECDSA private key.");
        }
        var parameters = new ECParameters { Curve = curve.Curve, Q = q, D = UnsignedMpint.ToPaddedArray(d, curve.FieldSize) };
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportParameters(parameters);
            return new EcdsaHostKey(ecdsa, curve, comment);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static RsaHostKey ReadRsa(ref SshReader reader, bool allowSha1, string comment)
    {
        if (!UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var n)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var e)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var d)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var iqmp)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var p)
            || !UnsignedMpint.TryGetMagnitude(reader.ReadMpintBytes(), out var q)
            || n.IsEmpty || e.IsEmpty || p.IsEmpty || q.IsEmpty)
        {
            throw new InvalidDataException("Malformed RSA private key.");
        }
        var parameters = RsaParametersFromOpenSsh(n, e, d, iqmp, p, q);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(parameters);
            return new RsaHostKey(rsa, allowSha1, comment);
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            throw new InvalidDataException(ex.Message, ex);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
            CryptographicOperations.ZeroMemory(parameters.P);
            CryptographicOperations.ZeroMemory(parameters.Q);
            CryptographicOperations.ZeroMemory(parameters.DP);
            CryptographicOperations.ZeroMemory(parameters.DQ);
            CryptographicOperations.ZeroMemory(parameters.InverseQ);
        }
    }

    /// <summary>
    /// OpenSSH omits the CRT exponents, which .NET's import requires: derive them as d mod (p-1) and d mod (q-1).
    /// The BigInteger temporaries cannot be wiped; they are short-lived and this runs once per key load.
    /// </summary>
    private static RSAParameters RsaParametersFromOpenSsh(
        ReadOnlySpan<byte> n, ReadOnlySpan<byte> e, ReadOnlySpan<byte> d, ReadOnlySpan<byte> iqmp, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        var bigN = new BigInteger(n, isUnsigned: true, isBigEndian: true);
        var bigD = new BigInteger(d, isUnsigned: true, isBigEndian: true);
        var bigP = new BigInteger(p, isUnsigned: true, isBigEndian: true);
        var bigQ = new BigInteger(q, isUnsigned: true, isBigEndian: true);
        if (bigP * bigQ != bigN)
        {
            throw new InvalidDataException("The RSA primes do not multiply to the modulus.");
        }
        int half = (n.Length + 1) / 2;
        return new RSAParameters
        {
            Modulus = n.ToArray(),
            Exponent = e.ToArray(),
            D = UnsignedMpint.ToPaddedArray(d, n.Length),
            P = UnsignedMpint.ToPaddedArray(p, half),
            Q = UnsignedMpint.ToPaddedArray(q, half),
            DP = ToPadded(bigD % (bigP - 1), half),
            DQ = ToPadded(bigD % (bigQ - 1), half),
            InverseQ = UnsignedMpint.ToPaddedArray(iqmp, half),
        };
    }

    private static byte[] ToPadded(BigInteger value, int size)
    {
        var result = new byte[size];
        int count = value.GetByteCount(isUnsigned: true);
        if (count > size || !value.TryWriteBytes(result.AsSpan(size - count), out _, isUnsigned: true, isBigEndian: true))
        {
            throw new InvalidDataException("RSA component is larger than the key size.");
        }
        return result;
    }

    /// <summary>Serializes <paramref name="key"/> unencrypted and armored, as bytes the caller wipes after use.</summary>
    public static byte[] Write(SshHostKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var section = new SshWriter(1024);
        Span<byte> check = stackalloc byte[4];
        RandomNumberGenerator.Fill(check);
        uint checkInt = BinaryPrimitives.ReadUInt32BigEndian(check);
        section.WriteUInt32(checkInt).WriteUInt32(checkInt);
        key.WriteOpenSshPrivateKey(section);
        section.WriteString(key.Comment);
        for (byte pad = 1; section.Length % BlockSize != 0; pad++)
        {
            section.WriteByte(pad);
        }

        using var file = new SshWriter(section.Length + 512);
        file.WriteRaw(Magic);
        file.WriteString("none").WriteString("none").WriteBinary([]);
        file.WriteUInt32(1);
        file.WriteBinary(key.PublicKeyBlob);
        file.WriteBinary(section.WrittenSpan);
        return PemArmor.Encode(PemLabel, file.WrittenSpan);
    }
}
