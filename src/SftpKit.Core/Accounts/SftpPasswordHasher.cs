using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// Hashes new passwords with argon2id and verifies passwords against the hashes other systems store, so accounts can
/// be imported as they are and upgraded at their next login.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Hash"/> writes argon2id (RFC 9106, version 0x13) as a PHC string
/// <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>: 19 MiB of memory (<see cref="DefaultArgon2MemoryKiB"/>), 2 passes
/// (<see cref="DefaultArgon2Iterations"/>), 1 lane (<see cref="DefaultArgon2Parallelism"/>), a random 16-byte salt and a
/// 32-byte hash, salt and hash in unpadded base64. These are the OWASP recommendation for argon2id.
/// </para>
/// <para>
/// <see cref="Verify"/> reads: argon2id, argon2i and argon2d PHC strings (<c>v=19</c>, <c>v=16</c> or no version);
/// bcrypt <c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>; PBKDF2 as SFTPGo writes it (<c>$pbkdf2-sha1$</c>,
/// <c>$pbkdf2-sha256$</c>, <c>$pbkdf2-sha512$</c>: iterations, literal salt, padded base64 digest; and
/// <c>$pbkdf2-b64salt-sha256$</c> with a base64 salt), as passlib writes it (<c>$pbkdf2$</c>, <c>$pbkdf2-sha256$</c>,
/// <c>$pbkdf2-sha512$</c> in adapted base64; told apart from SFTPGo's by the digest's encoding) and as Django writes it
/// (<c>pbkdf2_sha256$</c>, <c>pbkdf2_sha1$</c>); md5crypt <c>$1$</c> and <c>$apr1$</c>; sha256crypt <c>$5$</c> and
/// sha512crypt <c>$6$</c>, with or without <c>rounds=N$</c>.
/// </para>
/// <para>
/// Limits, so that a stored hash cannot make one login cost unbounded memory or time: passwords up to
/// <see cref="MaxPasswordBytes"/> UTF-8 bytes; argon2 memory up to <see cref="MaxArgon2MemoryKiB"/>, passes up to
/// <see cref="MaxArgon2Iterations"/>, memory times passes up to <see cref="MaxArgon2Work"/>, lanes up to
/// <see cref="MaxArgon2Parallelism"/>, salt 8–64 bytes, hash 16–64 bytes; bcrypt cost 4–<see cref="MaxBcryptCost"/>; PBKDF2 iterations up to <see cref="MaxPbkdf2Iterations"/>, salt
/// 1–256 bytes, digest 16–64 bytes; SHA-crypt rounds 1000–<see cref="MaxShaCryptRounds"/>, salt up to 16 characters;
/// md5crypt salt up to 8 characters; any hash up to 1024 characters. A hash outside them is treated as malformed.
/// </para>
/// <para>
/// Comparisons are constant-time. Passwords are encoded as UTF-8 for every scheme. No method logs or keeps the
/// password.
/// </para>
/// </remarks>
public static class SftpPasswordHasher
{
    /// <summary>Argon2id memory cost of new hashes, in KiB: 19456 (19 MiB).</summary>
    public const int DefaultArgon2MemoryKiB = 19456;

    /// <summary>Argon2id passes of new hashes: 2.</summary>
    public const int DefaultArgon2Iterations = 2;

    /// <summary>Argon2id lanes of new hashes: 1.</summary>
    public const int DefaultArgon2Parallelism = 1;

    /// <summary>Salt length of new hashes, in bytes: 16.</summary>
    public const int DefaultArgon2SaltBytes = 16;

    /// <summary>Hash length of new hashes, in bytes: 32.</summary>
    public const int DefaultArgon2HashBytes = 32;

    /// <summary>
    /// Longest password accepted, in UTF-8 bytes: 1024. <see cref="Hash"/> refuses longer passwords and
    /// <see cref="Verify"/> fails them without hashing (SHA-crypt's cost grows with the square of the length).
    /// </summary>
    public const int MaxPasswordBytes = 1024;

    /// <summary>Largest argon2 memory cost verified, in KiB: 262144 (256 MiB).</summary>
    public const int MaxArgon2MemoryKiB = 262144;

    /// <summary>Most argon2 passes verified: 16.</summary>
    public const int MaxArgon2Iterations = 16;

    /// <summary>Most argon2 lanes verified: 16 (lanes are computed one after another).</summary>
    public const int MaxArgon2Parallelism = 16;

    /// <summary>
    /// Largest argon2 memory cost times passes verified, in KiB: 1048576 (1 GiB·pass, 27 times the default's
    /// 38 MiB·pass). RFC 9106's low-memory profile (64 MiB, 3 passes) is within it.
    /// </summary>
    public const int MaxArgon2Work = 1_048_576;

    /// <summary>Largest bcrypt cost verified: 15 (2^15 key-schedule rounds, 32 times the common cost 10).</summary>
    public const int MaxBcryptCost = 15;

    /// <summary>Most PBKDF2 iterations verified: 5,000,000.</summary>
    public const int MaxPbkdf2Iterations = 5_000_000;

    /// <summary>Most SHA-crypt (<c>$5$</c>, <c>$6$</c>) rounds verified: 1,000,000 (200 times the default 5000).</summary>
    public const int MaxShaCryptRounds = 1_000_000;

    // VerifyDummy runs the default argon2id over this salt and compares with a digest no password produces on purpose.
    private static readonly byte[] s_dummySalt = RandomNumberGenerator.GetBytes(DefaultArgon2SaltBytes);
    private static readonly byte[] s_dummyDigest = RandomNumberGenerator.GetBytes(DefaultArgon2HashBytes);

    /// <summary>
    /// Hashes <paramref name="password"/> with argon2id, the default parameters and a fresh random salt.
    /// </summary>
    /// <param name="password">The password; up to <see cref="MaxPasswordBytes"/> bytes as UTF-8.</param>
    /// <returns>A PHC string such as <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="password"/> is longer than <see cref="MaxPasswordBytes"/>.</exception>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes)
        {
            throw new ArgumentException($"The password is longer than {MaxPasswordBytes} UTF-8 bytes.", nameof(password));
        }
        byte[] utf8 = Encoding.UTF8.GetBytes(password);
        try
        {
            return Argon2PasswordHash.HashDefault(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>
    /// Verifies <paramref name="password"/> against a stored hash in any supported format. Never throws for the
    /// hash: a null, malformed, unsupported or out-of-limits hash gives <see cref="PasswordVerificationResult.Failed"/>.
    /// </summary>
    /// <param name="hash">The stored hash.</param>
    /// <param name="password">The candidate password; longer than <see cref="MaxPasswordBytes"/> UTF-8 bytes fails.</param>
    /// <returns>
    /// <see cref="PasswordVerificationResult.Success"/> for a match against argon2id v=19 with at least the default
    /// parameters, <see cref="PasswordVerificationResult.SuccessRehashNeeded"/> for a match against anything else,
    /// <see cref="PasswordVerificationResult.Failed"/> otherwise.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is null.</exception>
    public static PasswordVerificationResult Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes || StoredPasswordHash.Read(hash) is not { } stored)
        {
            return PasswordVerificationResult.Failed;
        }
        byte[] utf8 = Encoding.UTF8.GetBytes(password);
        try
        {
            if (!stored.Matches(password, utf8))
            {
                return PasswordVerificationResult.Failed;
            }
            return stored.NeedsRehash ? PasswordVerificationResult.SuccessRehashNeeded : PasswordVerificationResult.Success;
        }
        catch (CryptographicException)
        {
            return PasswordVerificationResult.Failed;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>
    /// Does the work of verifying <paramref name="password"/> against a hash made by <see cref="Hash"/> and discards the
    /// result. Call it for an unknown user or a user without a password so that the failure takes as long as a wrong
    /// password for a real user. Users whose stored hashes use other schemes or parameters take a different time.
    /// </summary>
    /// <param name="password">The candidate password; longer than <see cref="MaxPasswordBytes"/> UTF-8 bytes costs nothing, as in <see cref="Verify"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is null.</exception>
    public static void VerifyDummy(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes)
        {
            return;
        }
        byte[] utf8 = Encoding.UTF8.GetBytes(password);
        byte[] actual = Argon2PasswordHash.ComputeDefault(s_dummySalt, utf8);
        // The comparison is kept so that the work matches Verify; its answer is meaningless.
        _ = CryptographicOperations.FixedTimeEquals(actual, s_dummyDigest);
        CryptographicOperations.ZeroMemory(actual);
        CryptographicOperations.ZeroMemory(utf8);
    }

    /// <summary>
    /// True when <paramref name="hash"/> is in a supported format with parameters inside the limits, so that
    /// <see cref="Verify"/> can ever succeed for it. Does no hashing; a null or empty hash gives false.
    /// </summary>
    /// <param name="hash">The stored hash.</param>
    public static bool IsSupported(string hash) => StoredPasswordHash.Read(hash) is not null;
}
