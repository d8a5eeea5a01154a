using System.Buffers.Text;
using System.Globalization;

namespace SftpKit.Accounts;

/// <summary>
/// The text encodings found inside stored password hashes. Every decoder validates its alphabet itself, because
/// <see cref="Convert.FromBase64String(string)"/> skips whitespace and would accept hashes no writer produced.
/// </summary>
internal static class PasswordHashEncoding
{
    /// <summary>The crypt(3) alphabet used by md5crypt, sha256crypt, sha512crypt and bcrypt.</summary>
    public const string CryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Standard base64 without padding (PHC strings, RFC 4648 alphabet).</summary>
    public static bool TryDecodeUnpadded(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1 || !IsStandardAlphabet(text, allowPadding: false))
        {
            return false;
        }
        string padded = text + new string('=', (4 - text.Length % 4) % 4);
        return TryDecodePadded(padded, out bytes);
    }

    /// <summary>Standard base64 with mandatory padding (Go's <c>base64.StdEncoding</c>, Django).</summary>
    public static bool TryDecodePadded(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0 || !IsStandardAlphabet(text, allowPadding: true))
        {
            return false;
        }
        int pad = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        if (text.AsSpan(0, text.Length - pad).Contains('='))
        {
            return false;
        }
        var buffer = new byte[text.Length / 4 * 3];
        if (Base64.DecodeFromUtf8(System.Text.Encoding.ASCII.GetBytes(text), buffer, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>Passlib's "adapted base64": standard alphabet with <c>.</c> for <c>+</c>, no padding.</summary>
    public static bool TryDecodeAdapted(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Contains('+', StringComparison.Ordinal))
        {
            return false;
        }
        return TryDecodeUnpadded(text.Replace('.', '+'), out bytes);
    }

    /// <summary>Standard base64 without padding, as PHC strings carry salts and hashes.</summary>
    public static string EncodeUnpadded(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>
    /// Writes <paramref name="count"/> crypt(3) characters (as ASCII bytes) for the 24-bit group <c>b2:b1:b0</c>, least significant
    /// six bits first (the <c>b64_from_24bit</c> step of md5crypt and SHA-crypt).
    /// </summary>
    public static void AppendCrypt24(Span<byte> output, ref int position, byte b2, byte b1, byte b0, int count)
    {
        int w = (b2 << 16) | (b1 << 8) | b0;
        for (int i = 0; i < count; i++)
        {
            output[position++] = (byte)CryptAlphabet[w & 0x3f];
            w >>= 6;
        }
    }

    /// <summary>True when every character of <paramref name="text"/> is in the crypt(3) alphabet.</summary>
    public static bool IsCryptAlphabet(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!IsCryptChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// True when <paramref name="text"/> can be a crypt(3) salt: printable ASCII other than <c>$</c>. Writers use the
    /// crypt alphabet, but crypt(3) itself takes any such character, and so do hashes made with a chosen salt.
    /// </summary>
    public static bool IsSaltText(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is < '!' or > '~' or '$')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Parses a decimal count written without sign, spaces or leading zeros, in [min, max].</summary>
    public static bool TryParseCount(ReadOnlySpan<char> text, long min, long max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 10 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) || parsed < min || parsed > max)
        {
            return false;
        }
        value = (int)parsed;
        return true;
    }

    private static bool IsCryptChar(char c) => c is '.' or '/' or (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z');

    private static bool IsStandardAlphabet(string text, bool allowPadding)
    {
        foreach (char c in text)
        {
            if (!(c is '+' or '/' or (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') || (allowPadding && c == '=')))
            {
                return false;
            }
        }
        return true;
    }
}
