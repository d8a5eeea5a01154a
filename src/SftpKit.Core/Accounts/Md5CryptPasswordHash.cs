using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// md5crypt, the FreeBSD/glibc <c>$1$salt$hash</c> scheme (salt up to 8 characters, 1000 fixed rounds), and Apache's
/// <c>$apr1$</c> variant, which differs only in the magic string. Read for migration only: MD5 is long broken for
/// this purpose, so a match always asks for a rehash.
/// </summary>
internal sealed class Md5CryptPasswordHash : StoredPasswordHash
{
    private const int MaxSaltLength = 8;
    private const int Rounds = 1000;
    private const int EncodedDigestLength = 22;

    private readonly byte[] _magic;
    private readonly byte[] _salt;
    private readonly byte[] _encodedDigest;

    private Md5CryptPasswordHash(byte[] magic, byte[] salt, byte[] encodedDigest) =>
        (_magic, _salt, _encodedDigest) = (magic, salt, encodedDigest);

    public override bool Matches(string password, byte[] passwordUtf8)
    {
        byte[] digest = Compute(passwordUtf8, _magic, _salt);
        Span<byte> encoded = stackalloc byte[EncodedDigestLength];
        int position = 0;
        for (int i = 0; i < 4; i++)
        {
            PasswordHashEncoding.AppendCrypt24(encoded, ref position, digest[i], digest[i + 6], digest[i + 12], 4);
        }
        PasswordHashEncoding.AppendCrypt24(encoded, ref position, digest[4], digest[10], digest[5], 4);
        PasswordHashEncoding.AppendCrypt24(encoded, ref position, 0, 0, digest[11], 2);
        CryptographicOperations.ZeroMemory(digest);
        return CryptographicOperations.FixedTimeEquals(encoded, _encodedDigest);
    }

    public static Md5CryptPasswordHash? Parse(string hash)
    {
        string magic = hash.StartsWith("$1$", StringComparison.Ordinal) ? "$1$" : "$apr1$";
        string rest = hash[magic.Length..];
        int dollar = rest.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0 || dollar > MaxSaltLength)
        {
            return null;
        }
        string salt = rest[..dollar];
        string digest = rest[(dollar + 1)..];
        if (digest.Length != EncodedDigestLength || !PasswordHashEncoding.IsCryptAlphabet(digest) || !PasswordHashEncoding.IsSaltText(salt))
        {
            return null;
        }
        return new Md5CryptPasswordHash(Encoding.ASCII.GetBytes(magic), Encoding.ASCII.GetBytes(salt), Encoding.ASCII.GetBytes(digest));
    }

    // The algorithm of Poul-Henning Kamp's md5crypt (FreeBSD crypt-md5.c), step for step.
#pragma warning disable CA5351 // MD5 is what this legacy format is made of; it is verified for migration, never written.
    private static byte[] Compute(byte[] password, byte[] magic, byte[] salt)
    {
        using var alternate = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        alternate.AppendData(password);
        alternate.AppendData(salt);
        alternate.AppendData(password);
        byte[] final = alternate.GetHashAndReset();

        using var context = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        context.AppendData(password);
        context.AppendData(magic);
        context.AppendData(salt);
        for (int remaining = password.Length; remaining > 0; remaining -= 16)
        {
            context.AppendData(final, 0, Math.Min(remaining, 16));
        }
        // For each bit of the length, lowest first: a zero byte for a one bit, the password's first byte for a zero.
        Span<byte> zero = [0];
        for (int bits = password.Length; bits != 0; bits >>= 1)
        {
            context.AppendData((bits & 1) != 0 ? zero : password.AsSpan(0, 1));
        }
        CryptographicOperations.ZeroMemory(final);
        final = context.GetHashAndReset();

        for (int i = 0; i < Rounds; i++)
        {
            context.AppendData((i & 1) != 0 ? password : final);
            if (i % 3 != 0)
            {
                context.AppendData(salt);
            }
            if (i % 7 != 0)
            {
                context.AppendData(password);
            }
            context.AppendData((i & 1) != 0 ? final : password);
            // Writes the new digest over the previous one, which every appended input has already consumed.
            context.GetHashAndReset(final);
        }
        return final;
    }
#pragma warning restore CA5351
}
