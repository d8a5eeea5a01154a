using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace SftpKit;

/// <summary>
/// Hashes and verifies passwords as argon2id in PHC string form
/// (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>). Defaults: 19 MiB memory, 2 passes, 1 lane, 16-byte salt,
/// 32-byte hash (the OWASP minimum for argon2id). Verification accepts any parameters in the string.
/// </summary>
public static class SshPasswordHasher
{
    private const int DefaultMemoryKiB = 19456;
    private const int DefaultIterations = 2;
    private const int DefaultParallelism = 1;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] hash = Compute(password, salt, DefaultMemoryKiB, DefaultIterations, DefaultParallelism, 32);
        string result = $"$argon2id$v=19$m={DefaultMemoryKiB},t={DefaultIterations},p={DefaultParallelism}${B64(salt)}${B64(hash)}";
        CryptographicOperations.ZeroMemory(hash);
        return result;
    }

    /// <summary>
    /// Returns true when <paramref name="password"/> matches <paramref name="encodedHash"/>; false for a mismatch or an
    /// unreadable hash. The comparison is constant-time.
    /// </summary>
    public static bool Verify(string encodedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encodedHash, out int m, out int t, out int p, out byte[] salt, out byte[] expected))
        {
            return false;
        }
        byte[] actual = Compute(password, salt, m, t, p, expected.Length);
        bool ok = CryptographicOperations.FixedTimeEquals(actual, expected);
        CryptographicOperations.ZeroMemory(actual);
        return ok;
    }

    /// <summary>A valid hash of a random password, verified for unknown users so they cost the same time.</summary>
    internal static string DummyHash { get; } = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private static bool TryParse(string? encoded, out int m, out int t, out int p, out byte[] salt, out byte[] hash)
    {
        m = t = p = 0;
        salt = hash = [];
        if (encoded is null)
        {
            return false;
        }
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value))
            {
                return false;
            }
            switch (pair[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }
        // Bounds keep a hostile stored hash from costing unbounded memory or time.
        if (m < 8 || m > 1 << 20 || t < 1 || t > 20 || p < 1 || p > 16)
        {
            return false;
        }
        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length is >= 16 and <= 64;
    }

    private static byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithMemoryAsKB(memoryKiB)
            .WithIterations(iterations)
            .WithParallelism(parallelism)
            .WithSalt(salt)
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        byte[] passwordBytes = Encoding.UTF8.GetBytes(password);
        byte[] output = new byte[length];
        generator.GenerateBytes(passwordBytes, output);
        CryptographicOperations.ZeroMemory(passwordBytes);
        return output;
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=');

    private static byte[] FromB64(string text)
    {
        int pad = (4 - text.Length % 4) % 4;
        return Convert.FromBase64String(text + new string('=', pad));
    }
}
