using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace SftpKit.Events.Rules;

/// <summary>
/// Shell-like globs of rule conditions: <c>?</c> one character, <c>[...]</c> a class (<c>[!...]</c> or <c>[^...]</c>
/// negated, ranges allowed), <c>*</c> any run of characters. In path patterns <c>*</c> and <c>?</c> stay within one
/// segment and <c>**</c> crosses <c>/</c> (<c>/in/**</c> matches everything under <c>/in</c>). Case-sensitive. Compiled
/// to non-backtracking regular expressions (time linear in the input), at most 512 kept; patterns longer than 1024
/// characters never match.
/// </summary>
internal static class EventGlob
{
    private const int MaxPatternLength = 1024;
    private const int MaxCached = 512;
    private static readonly ConcurrentDictionary<(string, bool), Regex?> s_cache = new();

    public static bool IsMatch(string pattern, string text, bool path)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        if (!s_cache.TryGetValue((pattern, path), out var regex))
        {
            regex = Compile(pattern, path);
            if (s_cache.Count >= MaxCached)
            {
                s_cache.Clear();
            }
            s_cache[(pattern, path)] = regex;
        }
        return regex is not null && regex.IsMatch(text);
    }

    /// <summary>The regular expression for <paramref name="pattern"/>; null when it is too long or malformed.</summary>
    internal static Regex? Compile(string pattern, bool path)
    {
        if (pattern.Length > MaxPatternLength)
        {
            return null;
        }
        string any = path ? "[^/]" : ".";
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*' when path && i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    // "/**/" also matches "/" so that "/in/**/x" matches "/in/x".
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/' && sb.Length > 1 && sb[^1] == '/')
                    {
                        i++;
                        sb.Append("(?:.*/)?");
                    }
                    else
                    {
                        sb.Append(".*");
                    }
                    break;
                case '*':
                    sb.Append(any).Append('*');
                    break;
                case '?':
                    sb.Append(any);
                    break;
                case '[':
                    int close = ClassEnd(pattern, i);
                    if (close < 0)
                    {
                        return null;
                    }
                    sb.Append('[');
                    int j = i + 1;
                    if (pattern[j] is '!' or '^')
                    {
                        sb.Append('^');
                        j++;
                    }
                    for (; j < close; j++)
                    {
                        char k = pattern[j];
                        sb.Append(k is '\\' or '[' or ']' or '^' ? "\\" + k : k.ToString());
                    }
                    sb.Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    i++;
                    sb.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        sb.Append('$');
        try
        {
            return new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.Singleline);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int ClassEnd(string pattern, int open)
    {
        int j = open + 1;
        if (j < pattern.Length && pattern[j] is '!' or '^')
        {
            j++;
        }
        if (j < pattern.Length && pattern[j] == ']')
        {
            j++; // A leading ']' is a member.
        }
        for (; j < pattern.Length; j++)
        {
            if (pattern[j] == ']')
            {
                return j > open + 1 ? j : -1;
            }
        }
        return -1;
    }
}
