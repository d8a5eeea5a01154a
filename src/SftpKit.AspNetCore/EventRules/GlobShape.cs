namespace SftpKit.AspNetCore.EventRules;

/// <summary>Checks the shape of a condition's glob pattern (the rule engine matches it).</summary>
internal static class GlobShape
{
    /// <summary>Null when <paramref name="pattern"/> is a usable glob (not empty, brackets closed), else what is wrong.</summary>
    public static string? Check(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return "The pattern must not be empty.";
        }
        if (pattern.Length > 4096)
        {
            return "At most 4096 characters.";
        }
        if (pattern.Any(char.IsControl))
        {
            return "The pattern must not contain control characters.";
        }
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                if (i >= pattern.Length)
                {
                    return "The pattern ends with an escape.";
                }
                continue;
            }
            if (pattern[i] == '[')
            {
                int start = i + 1 < pattern.Length && pattern[i + 1] is '!' or '^' ? i + 3 : i + 2;
                int close = start < pattern.Length ? pattern.IndexOf(']', start) : -1;
                if (close < 0)
                {
                    return "An opening '[' has no closing ']'.";
                }
                i = close;
            }
        }
        return null;
    }
}
