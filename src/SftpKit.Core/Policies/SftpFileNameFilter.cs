using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// Resolved file-name patterns of one account. For a name in a directory, the filter of the nearest configured
/// directory decides: a name matching a denied pattern is refused; otherwise, when allowed patterns exist, only a
/// name matching one of them is accepted. Matching is case-insensitive; patterns support <c>*</c>, <c>?</c> and
/// bracket classes (<c>[abc]</c>, <c>[a-z]</c>, <c>[!0-9]</c>). Directories are never filtered by name.
/// </summary>
internal sealed class SftpFileNameFilter
{
    private readonly (string Path, string[] Allowed, string[] Denied)[] _entries;

    /// <summary>Builds the filter from an account's patterns.</summary>
    public SftpFileNameFilter(IEnumerable<SftpPathFilter>? filters)
    {
        _entries = (filters ?? [])
            .Select(f => (VirtualPath.Normalize(f.Path),
                f.AllowedPatterns.Select(p => p.ToLowerInvariant()).ToArray(),
                f.DeniedPatterns.Select(p => p.ToLowerInvariant()).ToArray()))
            .OrderByDescending(e => e.Item1.Length)
            .ToArray();
    }

    /// <summary>True when no pattern is configured.</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Whether the file at <paramref name="path"/> may be used (uploaded, downloaded, renamed, listed).</summary>
    public bool IsAllowed(string path)
    {
        if (_entries.Length == 0 || path == VirtualPath.Root)
        {
            return true;
        }
        string directory = VirtualPath.GetParent(path);
        foreach (var (dir, allowed, denied) in _entries)
        {
            if (!SftpPermissionSet.IsSameOrUnder(directory, dir))
            {
                continue;
            }
            string name = VirtualPath.GetName(path).ToLowerInvariant();
            foreach (string pattern in denied)
            {
                if (Glob.IsMatch(name, pattern))
                {
                    return false;
                }
            }
            if (allowed.Length == 0)
            {
                return true;
            }
            foreach (string pattern in allowed)
            {
                if (Glob.IsMatch(name, pattern))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }
}

/// <summary>Shell-style glob matching of one name (no <c>/</c> handling), iterative with bounded backtracking.</summary>
internal static class Glob
{
    public static bool IsMatch(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern)
    {
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    starP = p++;
                    starT = t;
                    continue;
                }
                if (c == '?')
                {
                    p++;
                    t++;
                    continue;
                }
                if (c == '[' && TryMatchClass(pattern, p, text[t], out int next, out bool matched))
                {
                    if (matched)
                    {
                        p = next;
                        t++;
                        continue;
                    }
                }
                else if (c == text[t])
                {
                    p++;
                    t++;
                    continue;
                }
            }
            if (starP < 0)
            {
                return false;
            }
            p = starP + 1;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool TryMatchClass(ReadOnlySpan<char> pattern, int start, char ch, out int next, out bool matched)
    {
        int i = start + 1;
        bool negate = i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^');
        if (negate)
        {
            i++;
        }
        bool any = false;
        bool first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            char lo = pattern[i];
            char hi = lo;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                hi = pattern[i + 2];
                i += 2;
            }
            any |= ch >= lo && ch <= hi;
            i++;
        }
        if (i >= pattern.Length)
        {
            // No closing bracket: treat '[' literally.
            next = start;
            matched = false;
            return false;
        }
        next = i + 1;
        matched = any != negate;
        return true;
    }
}
