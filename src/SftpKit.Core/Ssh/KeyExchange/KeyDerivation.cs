using System.Security.Cryptography;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>Derives IVs and keys from K and H (RFC 4253 §7.2).</summary>
internal static class KeyDerivation
{
    /// <summary>
    /// Returns <paramref name="length"/> bytes of HASH(K || H || letter || session_id), extended while too short with
    /// K_n = HASH(K || H || K_1 || ... || K_(n-1)).
    /// </summary>
    /// <param name="hash">The kex method's hash.</param>
    /// <param name="sharedSecretEncoded">K exactly as encoded by the kex method (mpint or string), length prefix included.</param>
    /// <param name="exchangeHash">H of this exchange.</param>
    /// <param name="letter">'A' to 'F' (RFC 4253 §7.2).</param>
    /// <param name="sessionId">H of the first exchange on the connection.</param>
    /// <param name="length">Bytes wanted.</param>
    public static byte[] Derive(
        HashAlgorithmName hash,
        ReadOnlySpan<byte> sharedSecretEncoded,
        ReadOnlySpan<byte> exchangeHash,
        char letter,
        ReadOnlySpan<byte> sessionId,
        int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (letter is < 'A' or > 'F')
        {
            throw new ArgumentOutOfRangeException(nameof(letter), letter, "Key letters are 'A' to 'F'.");
        }

        using var incremental = IncrementalHash.CreateHash(hash);
        int digestSize = incremental.HashLengthInBytes;
        // Whole digests are produced, then truncated: the output buffer holds them all so earlier blocks feed later ones.
        int blocks = Math.Max(1, (length + digestSize - 1) / digestSize);
        byte[] material = new byte[blocks * digestSize];
        try
        {
            incremental.AppendData(sharedSecretEncoded);
            incremental.AppendData(exchangeHash);
            incremental.AppendData([(byte)letter]);
            incremental.AppendData(sessionId);
            incremental.GetHashAndReset(material.AsSpan(0, digestSize));

            for (int produced = digestSize; produced < length; produced += digestSize)
            {
                incremental.AppendData(sharedSecretEncoded);
                incremental.AppendData(exchangeHash);
                incremental.AppendData(material.AsSpan(0, produced));
                incremental.GetHashAndReset(material.AsSpan(produced, digestSize));
            }

            return material.AsSpan(0, length).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }
}
