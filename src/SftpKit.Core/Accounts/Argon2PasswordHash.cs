using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace SftpKit.Accounts;

/// <summary>
/// Argon2 (RFC 9106) in PHC string form: <c>$argon2id$v=19$m=KiB,t=passes,p=lanes$salt$hash</c>, salt and hash in
/// unpadded standard base64. Also argon2i and argon2d, and the pre-1.3 form without <c>v=</c> (version 0x10).
/// </summary>
internal sealed class Argon2PasswordHash : StoredPasswordHash
{
    private const int MinSaltBytes = 8;
    private const int MaxSaltBytes = 64;
    private const int MinHashBytes = 16;
    private const int MaxHashBytes = 64;

    private readonly int _type;
    private readonly int _version;
    private readonly int _memoryKiB;
    private readonly int _iterations;
    private readonly int _parallelism;
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private Argon2PasswordHash(int type, int version, int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash)
    {
        (_type, _version, _memoryKiB, _iterations, _parallelism, _salt, _hash) = (type, version, memoryKiB, iterations, parallelism, salt, hash);
    }

    /// <summary>Weaker than the default in any parameter (or not argon2id v=19) means rehash.</summary>
    public override bool NeedsRehash =>
        _type != Argon2Parameters.Argon2id
        || _version != Argon2Parameters.Version13
        || _memoryKiB < SftpPasswordHasher.DefaultArgon2MemoryKiB
        || _iterations < SftpPasswordHasher.DefaultArgon2Iterations
        || _parallelism < SftpPasswordHasher.DefaultArgon2Parallelism
        || _salt.Length < SftpPasswordHasher.DefaultArgon2SaltBytes
        || _hash.Length < SftpPasswordHasher.DefaultArgon2HashBytes;

    public override bool Matches(string password, byte[] passwordUtf8)
    {
        byte[] actual = Compute(_type, _version, _memoryKiB, _iterations, _parallelism, _salt, passwordUtf8, _hash.Length);
        bool equal = CryptographicOperations.FixedTimeEquals(actual, _hash);
        CryptographicOperations.ZeroMemory(actual);
        return equal;
    }

    /// <summary>A new argon2id hash with the default parameters and a fresh random salt.</summary>
    public static string HashDefault(byte[] passwordUtf8)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SftpPasswordHasher.DefaultArgon2SaltBytes);
        byte[] hash = ComputeDefault(salt, passwordUtf8);
        string result = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={SftpPasswordHasher.DefaultArgon2MemoryKiB},t={SftpPasswordHasher.DefaultArgon2Iterations},p={SftpPasswordHasher.DefaultArgon2Parallelism}${PasswordHashEncoding.EncodeUnpadded(salt)}${PasswordHashEncoding.EncodeUnpadded(hash)}");
        CryptographicOperations.ZeroMemory(hash);
        return result;
    }

    /// <summary>argon2id v=19 with the default parameters: the work of hashing, and of verifying a default hash.</summary>
    public static byte[] ComputeDefault(byte[] salt, byte[] passwordUtf8) =>
        Compute(Argon2Parameters.Argon2id, Argon2Parameters.Version13, SftpPasswordHasher.DefaultArgon2MemoryKiB,
            SftpPasswordHasher.DefaultArgon2Iterations, SftpPasswordHasher.DefaultArgon2Parallelism, salt, passwordUtf8,
            SftpPasswordHasher.DefaultArgon2HashBytes);

    public static Argon2PasswordHash? Parse(string hash)
    {
        // "", type, [v=N], m=..,t=..,p=.., salt, hash
        string[] parts = hash.Split('$');
        if (parts.Length is not (5 or 6) || parts[0].Length != 0)
        {
            return null;
        }
        int type = parts[1] switch
        {
            "argon2id" => Argon2Parameters.Argon2id,
            "argon2i" => Argon2Parameters.Argon2i,
            "argon2d" => Argon2Parameters.Argon2d,
            _ => -1,
        };
        if (type < 0)
        {
            return null;
        }
        int version = Argon2Parameters.Version10;
        int next = 2;
        if (parts.Length == 6)
        {
            version = parts[2] switch
            {
                "v=19" => Argon2Parameters.Version13,
                "v=16" => Argon2Parameters.Version10,
                _ => -1,
            };
            if (version < 0)
            {
                return null;
            }
            next = 3;
        }
        if (!TryParseCosts(parts[next], out int m, out int t, out int p)
            || !PasswordHashEncoding.TryDecodeUnpadded(parts[next + 1], out byte[] salt)
            || !PasswordHashEncoding.TryDecodeUnpadded(parts[next + 2], out byte[] expected)
            || salt.Length is < MinSaltBytes or > MaxSaltBytes
            || expected.Length is < MinHashBytes or > MaxHashBytes)
        {
            return null;
        }
        return new Argon2PasswordHash(type, version, m, t, p, salt, expected);
    }

    // PHC order is fixed: m, t, p. Argon2 needs at least 8 KiB of memory per lane; m·t bounds the work.
    private static bool TryParseCosts(string text, out int m, out int t, out int p)
    {
        m = t = p = 0;
        string[] costs = text.Split(',');
        return costs.Length == 3
            && costs[0].StartsWith("m=", StringComparison.Ordinal)
            && costs[1].StartsWith("t=", StringComparison.Ordinal)
            && costs[2].StartsWith("p=", StringComparison.Ordinal)
            && PasswordHashEncoding.TryParseCount(costs[2].AsSpan(2), 1, SftpPasswordHasher.MaxArgon2Parallelism, out p)
            && PasswordHashEncoding.TryParseCount(costs[1].AsSpan(2), 1, SftpPasswordHasher.MaxArgon2Iterations, out t)
            && PasswordHashEncoding.TryParseCount(costs[0].AsSpan(2), 8L * p, SftpPasswordHasher.MaxArgon2MemoryKiB, out m)
            && (long)m * t <= SftpPasswordHasher.MaxArgon2Work;
    }

    private static byte[] Compute(int type, int version, int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] passwordUtf8, int length)
    {
        var parameters = new Argon2Parameters.Builder(type)
            .WithVersion(version)
            .WithMemoryAsKB(memoryKiB)
            .WithIterations(iterations)
            .WithParallelism(parallelism)
            .WithSalt(salt)
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        byte[] output = new byte[length];
        generator.GenerateBytes(passwordUtf8, output);
        return output;
    }
}
