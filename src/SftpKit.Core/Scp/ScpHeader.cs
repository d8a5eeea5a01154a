using System.Globalization;

namespace SftpKit.Scp;

/// <summary>A <c>C</c> (file) or <c>D</c> (directory) line: <c>Cmmmm SIZE NAME</c>.</summary>
internal readonly record struct ScpEntryHeader(bool IsDirectory, uint Mode, long Size, string Name)
{
    /// <summary>Parses the line after its type letter, strictly; names must be a single safe path segment.</summary>
    public static ScpEntryHeader Parse(bool isDirectory, string rest)
    {
        // Exactly four octal digits, as OpenSSH's sink requires.
        if (rest.Length < 6 || rest[4] != ' ')
        {
            throw new ScpProtocolException("bad mode");
        }
        uint mode = 0;
        for (int i = 0; i < 4; i++)
        {
            char c = rest[i];
            if (c is < '0' or > '7')
            {
                throw new ScpProtocolException("bad mode");
            }
            mode = (mode << 3) | (uint)(c - '0');
        }
        int space = rest.IndexOf(' ', 5);
        if (space < 0)
        {
            throw new ScpProtocolException("size not delimited");
        }
        long size = ScpNumbers.ParseNonNegative(rest.AsSpan(5, space - 5), "size");
        string name = rest[(space + 1)..];
        if (!IsSafeName(name))
        {
            throw new ScpProtocolException("unexpected filename");
        }
        return new ScpEntryHeader(isDirectory, mode, size, name);
    }

    /// <summary>A single path segment: not empty, not <c>.</c> or <c>..</c>, no <c>/</c> and no control characters.</summary>
    public static bool IsSafeName(string name)
    {
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (c < ' ' || c == '\u007f')
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>A <c>T</c> line: <c>Tmtime mtime_usec atime atime_usec</c>.</summary>
internal readonly record struct ScpTimes(DateTimeOffset Modified, DateTimeOffset Accessed)
{
    public static ScpTimes Parse(string rest)
    {
        var parts = rest.Split(' ');
        if (parts.Length != 4)
        {
            throw new ScpProtocolException("bad time line");
        }
        long mtime = ScpNumbers.ParseNonNegative(parts[0], "mtime");
        long mtimeUsec = ScpNumbers.ParseNonNegative(parts[1], "mtime.usec");
        long atime = ScpNumbers.ParseNonNegative(parts[2], "atime");
        long atimeUsec = ScpNumbers.ParseNonNegative(parts[3], "atime.usec");
        const long MaxSeconds = 253402300799; // 9999-12-31, DateTimeOffset's limit
        if (mtime > MaxSeconds || atime > MaxSeconds || mtimeUsec > 999_999 || atimeUsec > 999_999)
        {
            throw new ScpProtocolException("time out of range");
        }
        return new ScpTimes(
            DateTimeOffset.FromUnixTimeSeconds(mtime).AddTicks(mtimeUsec * 10),
            DateTimeOffset.FromUnixTimeSeconds(atime).AddTicks(atimeUsec * 10));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"T{Modified.ToUnixTimeSeconds()} 0 {Accessed.ToUnixTimeSeconds()} 0\n");
}

internal static class ScpNumbers
{
    /// <summary>ASCII digits only (no sign, no spaces), at most 18 of them so the value fits a long.</summary>
    public static long ParseNonNegative(ReadOnlySpan<char> text, string what)
    {
        if (text.IsEmpty || text.Length > 18)
        {
            throw new ScpProtocolException("bad " + what);
        }
        long value = 0;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new ScpProtocolException("bad " + what);
            }
            value = (value * 10) + (c - '0');
        }
        return value;
    }
}
