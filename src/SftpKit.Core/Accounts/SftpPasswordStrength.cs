namespace SftpKit.Accounts;

/// <summary>
/// Password entropy as SFTPGo's <c>password_strength</c> measures it: <c>log2(base^length)</c>, where the base sums the
/// sizes of the character classes the password uses (lower case 26, upper case 26, digits 10, the symbols
/// <c>!@$&amp;*</c> 5, the separators <c>_-., </c> (with space) 5, the other ASCII symbols 22, and 1 for each other
/// distinct character) and the length leaves out runs: a character repeated more than twice counts twice, and more
/// than two steps of a common sequence (digits, the alphabet, keyboard rows) count two. Around 50–70 bits is a
/// reasonable minimum; 0 accepts anything.
/// </summary>
public static class SftpPasswordStrength
{
    /// <summary>Largest minimum accepted in <see cref="SftpAccount.PasswordStrength"/>: 256 bits.</summary>
    public const int MaxMinimumBits = 256;

    private const string ReplaceChars = "!@$&*";
    private const string SeparatorChars = "_-., ";
    private const string OtherSpecialChars = "\"#%'()+/:;<=>?[\\]^{|}~";
    private const string LowerChars = "abcdefghijklmnopqrstuvwxyz";
    private const string UpperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string DigitChars = "0123456789";

    private static readonly string[] s_sequences =
    [
        "0123456789",
        "abcdefghijklmnopqrstuvwxyz",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    ];

    /// <summary>The entropy of <paramref name="password"/> in bits.</summary>
    public static double Entropy(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        int length = EffectiveLength(password);
        int @base = Base(password);
        return length == 0 || @base <= 1 ? 0 : length * Math.Log2(@base);
    }

    /// <summary>True when <paramref name="minimumBits"/> is 0 or less, or the password's entropy reaches it.</summary>
    public static bool IsStrongEnough(string password, int minimumBits) => minimumBits <= 0 || Entropy(password) >= minimumBits;

    private static int Base(string password)
    {
        bool replace = false, separator = false, other = false, lower = false, upper = false, digits = false;
        int @base = 0;
        foreach (char c in password.Distinct())
        {
            if (ReplaceChars.Contains(c, StringComparison.Ordinal)) { replace = true; }
            else if (SeparatorChars.Contains(c, StringComparison.Ordinal)) { separator = true; }
            else if (OtherSpecialChars.Contains(c, StringComparison.Ordinal)) { other = true; }
            else if (LowerChars.Contains(c, StringComparison.Ordinal)) { lower = true; }
            else if (UpperChars.Contains(c, StringComparison.Ordinal)) { upper = true; }
            else if (DigitChars.Contains(c, StringComparison.Ordinal)) { digits = true; }
            else { @base++; }
        }
        return @base + (replace ? ReplaceChars.Length : 0) + (separator ? SeparatorChars.Length : 0) + (other ? OtherSpecialChars.Length : 0)
            + (lower ? LowerChars.Length : 0) + (upper ? UpperChars.Length : 0) + (digits ? DigitChars.Length : 0);
    }

    private static int EffectiveLength(string password)
    {
        string text = DropRepeats(password);
        foreach (string sequence in s_sequences)
        {
            text = DropSequenceRuns(text, sequence);
        }
        return text.Length;
    }

    // "aaaa" counts as "aa".
    private static string DropRepeats(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (i >= 2 && text[i] == text[i - 1] && text[i] == text[i - 2])
            {
                continue;
            }
            kept.Append(text[i]);
        }
        return kept.ToString();
    }

    // "12345" or "54321" counts as its first two characters (case-insensitive for letters).
    private static string DropSequenceRuns(string text, string sequence)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        int run = 0;
        int direction = 0;
        for (int i = 0; i < text.Length; i++)
        {
            int step = i == 0 ? 0 : Step(sequence, text[i - 1], text[i]);
            if (step != 0 && (run == 0 || step == direction))
            {
                direction = step;
                run++;
            }
            else
            {
                run = 0;
                direction = step;
                if (step != 0)
                {
                    run = 1;
                }
            }
            if (run >= 2)
            {
                continue; // the third and later characters of a run
            }
            kept.Append(text[i]);
        }
        return kept.ToString();
    }

    // +1 when b follows a in the sequence, -1 when it precedes it, else 0.
    private static int Step(string sequence, char a, char b)
    {
        int i = sequence.IndexOf(char.ToLowerInvariant(a), StringComparison.Ordinal);
        int j = sequence.IndexOf(char.ToLowerInvariant(b), StringComparison.Ordinal);
        return i < 0 || j < 0 ? 0 : j == i + 1 ? 1 : j == i - 1 ? -1 : 0;
    }
}
