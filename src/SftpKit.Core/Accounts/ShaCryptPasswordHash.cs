using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// SHA-crypt (Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"): <c>$5$[rounds=N$]salt$hash</c> and
/// <c>$6$[rounds=N$]salt$hash</c>, salt up to 16 characters, 5000 rounds when none are written. The specification
/// clamps rounds into [1000, 999999999] and writes the clamped value, so a stored hash below 1000 was never produced
/// by a conforming writer and is refused; above <see cref="SftpPasswordHasher.MaxShaCryptRounds"/> is refused too.
/// </summary>
internal sealed class ShaCryptPasswordHash : StoredPasswordHash
{
    private const int MaxSaltLength = 16;
    private const int DefaultRounds = 5000;
    private const int MinRounds = 1000;
    private const string RoundsPrefix = "rounds=";

    private readonly bool _sha512;
    private readonly int _rounds;
    private readonly byte[] _salt;
    private readonly byte[] _encodedDigest;

    private ShaCryptPasswordHash(bool sha512, int rounds, byte[] salt, byte[] encodedDigest) =>
        (_sha512, _rounds, _salt, _encodedDigest) = (sha512, rounds, salt, encodedDigest);

    public override bool Matches(string password, byte[] passwordUtf8)
    {
        byte[] digest = Compute(passwordUtf8, _salt, _rounds, _sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
        Span<byte> encoded = stackalloc byte[_sha512 ? 86 : 43];
        int position = 0;
        if (_sha512)
        {
            for (int i = 0; i < 21; i++)
            {
                (int a, int b, int c) = (i, i + 21, i + 42);
                (a, b, c) = (i % 3) switch { 0 => (a, b, c), 1 => (b, c, a), _ => (c, a, b) };
                PasswordHashEncoding.AppendCrypt24(encoded, ref position, digest[a], digest[b], digest[c], 4);
            }
            PasswordHashEncoding.AppendCrypt24(encoded, ref position, 0, 0, digest[63], 2);
        }
        else
        {
            for (int i = 0; i < 10; i++)
            {
                (int a, int b, int c) = (i, i + 10, i + 20);
                (a, b, c) = (i % 3) switch { 0 => (a, b, c), 1 => (c, a, b), _ => (b, c, a) };
                PasswordHashEncoding.AppendCrypt24(encoded, ref position, digest[a], digest[b], digest[c], 4);
            }
            PasswordHashEncoding.AppendCrypt24(encoded, ref position, 0, digest[31], digest[30], 3);
        }
        CryptographicOperations.ZeroMemory(digest);
        return CryptographicOperations.FixedTimeEquals(encoded, _encodedDigest);
    }

    public static ShaCryptPasswordHash? Parse(string hash)
    {
        bool sha512 = hash[1] == '6';
        string rest = hash[3..];
        int rounds = DefaultRounds;
        if (rest.StartsWith(RoundsPrefix, StringComparison.Ordinal))
        {
            int end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0 || !PasswordHashEncoding.TryParseCount(rest.AsSpan(RoundsPrefix.Length, end - RoundsPrefix.Length), MinRounds, SftpPasswordHasher.MaxShaCryptRounds, out rounds))
            {
                return null;
            }
            rest = rest[(end + 1)..];
        }
        int dollar = rest.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0 || dollar > MaxSaltLength)
        {
            return null;
        }
        string salt = rest[..dollar];
        string digest = rest[(dollar + 1)..];
        if (digest.Length != (sha512 ? 86 : 43) || !PasswordHashEncoding.IsCryptAlphabet(digest) || !PasswordHashEncoding.IsSaltText(salt))
        {
            return null;
        }
        return new ShaCryptPasswordHash(sha512, rounds, Encoding.ASCII.GetBytes(salt), Encoding.ASCII.GetBytes(digest));
    }

    // Steps 1-21 of the specification; the password's cost is quadratic in its length (step 14), which is one reason
    // SftpPasswordHasher bounds password length before any scheme runs.
    private static byte[] Compute(byte[] password, byte[] salt, int rounds, HashAlgorithmName algorithm)
    {
        using var context = IncrementalHash.CreateHash(algorithm);
        int size = context.HashLengthInBytes;

        context.AppendData(password);
        context.AppendData(salt);
        context.AppendData(password);
        byte[] b = context.GetHashAndReset();

        context.AppendData(password);
        context.AppendData(salt);
        int count = password.Length;
        for (; count > size; count -= size)
        {
            context.AppendData(b);
        }
        context.AppendData(b, 0, count);
        for (int bits = password.Length; bits > 0; bits >>= 1)
        {
            context.AppendData((bits & 1) != 0 ? b : password);
        }
        byte[] a = context.GetHashAndReset();

        for (int i = 0; i < password.Length; i++)
        {
            context.AppendData(password);
        }
        byte[] dp = context.GetHashAndReset();
        byte[] p = Repeat(dp, password.Length);

        for (int i = 0; i < 16 + a[0]; i++)
        {
            context.AppendData(salt);
        }
        byte[] ds = context.GetHashAndReset();
        byte[] s = Repeat(ds, salt.Length);

        for (int i = 0; i < rounds; i++)
        {
            context.AppendData((i & 1) != 0 ? p : a);
            if (i % 3 != 0)
            {
                context.AppendData(s);
            }
            if (i % 7 != 0)
            {
                context.AppendData(p);
            }
            context.AppendData((i & 1) != 0 ? a : p);
            // Writes the new digest over the previous one, which every appended input has already consumed.
            context.GetHashAndReset(a);
        }
        foreach (byte[] secret in new[] { b, dp, p, ds, s })
        {
            CryptographicOperations.ZeroMemory(secret);
        }
        return a;
    }

    private static byte[] Repeat(byte[] block, int length)
    {
        byte[] result = new byte[length];
        for (int offset = 0; offset < length; offset += block.Length)
        {
            block.AsSpan(0, Math.Min(block.Length, length - offset)).CopyTo(result.AsSpan(offset));
        }
        return result;
    }
}
