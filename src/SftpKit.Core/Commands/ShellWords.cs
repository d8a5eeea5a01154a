using System.Text;

namespace SftpKit.Commands;

/// <summary>
/// Splits an exec command line the way a POSIX shell splits simple commands, without being a shell: single quotes,
/// double quotes (with <c>\"</c>, <c>\\</c>, <c>\$</c>, <c>\`</c> escapes) and backslash escapes are honoured, and
/// <c>&amp;&amp;</c> separates a list of commands run one after another. <c>$NAME</c> and <c>${NAME}</c> expand to
/// nothing (there is no environment; rclone's shell probe relies on this). Anything that needs a real shell — pipes,
/// <c>;</c>, <c>&amp;</c>, redirections, command substitution, subshells — is refused. Wildcards (<c>*</c>, <c>?</c>,
/// <c>[</c>) and braces are never expanded: they are ordinary characters, as a shell leaves an unmatched pattern.
/// </summary>
internal static class ShellWords
{
    /// <summary>Longest command line accepted, in characters.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>Parses <paramref name="commandLine"/> into commands (each a non-empty word list).</summary>
    /// <returns>False with <paramref name="error"/> set when the line needs a shell or is malformed.</returns>
    public static bool TryParse(string commandLine, out List<List<string>> commands, out string? error)
    {
        commands = [];
        error = null;
        if (commandLine.Length > MaxLength)
        {
            error = "command line too long";
            return false;
        }
        var current = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        int i = 0;
        while (i < commandLine.Length)
        {
            char c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t':
                    EndWord();
                    i++;
                    break;
                case '\'':
                {
                    int close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = "unterminated single quote";
                        return false;
                    }
                    word.Append(commandLine, i + 1, close - i - 1);
                    inWord = true;
                    i = close + 1;
                    break;
                }
                case '"':
                    inWord = true;
                    i++;
                    while (true)
                    {
                        if (i >= commandLine.Length)
                        {
                            error = "unterminated double quote";
                            return false;
                        }
                        char d = commandLine[i];
                        if (d == '"')
                        {
                            i++;
                            break;
                        }
                        if (d == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            word.Append(commandLine[i + 1]);
                            i += 2;
                        }
                        else if (d == '$')
                        {
                            if (!TryExpand(commandLine, ref i, out error))
                            {
                                return false;
                            }
                        }
                        else if (d == '`')
                        {
                            error = "command substitution is not supported";
                            return false;
                        }
                        else
                        {
                            word.Append(d);
                            i++;
                        }
                    }
                    break;
                case '\\':
                    if (i + 1 >= commandLine.Length)
                    {
                        error = "trailing backslash";
                        return false;
                    }
                    word.Append(commandLine[i + 1]);
                    inWord = true;
                    i += 2;
                    break;
                case '$':
                    inWord = true;
                    if (!TryExpand(commandLine, ref i, out error))
                    {
                        return false;
                    }
                    break;
                case '&' when i + 1 < commandLine.Length && commandLine[i + 1] == '&':
                    EndWord();
                    if (current.Count == 0)
                    {
                        error = "syntax error near '&&'";
                        return false;
                    }
                    commands.Add(current);
                    current = [];
                    i += 2;
                    break;
                case '|' or ';' or '&':
                    error = "pipes and command lists are not supported";
                    return false;
                case '<' or '>':
                    error = "redirections are not supported";
                    return false;
                case '`' or '(' or ')':
                    error = "command substitution and subshells are not supported";
                    return false;
                case '\n' or '\r':
                    error = "multi-line commands are not supported";
                    return false;
                default:
                    word.Append(c);
                    inWord = true;
                    i++;
                    break;
            }
        }
        EndWord();
        if (current.Count == 0)
        {
            if (commands.Count > 0)
            {
                error = "syntax error near '&&'";
                return false;
            }
            error = "empty command";
            return false;
        }
        commands.Add(current);
        return true;

        void EndWord()
        {
            if (inWord)
            {
                current.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }
    }

    // $NAME or ${NAME} expands to nothing; $(...) and other forms are refused.
    private static bool TryExpand(string line, ref int i, out string? error)
    {
        error = null;
        int start = i + 1;
        if (start < line.Length && line[start] == '{')
        {
            int close = line.IndexOf('}', start + 1);
            if (close < 0 || close == start + 1 || !IsName(line.AsSpan(start + 1, close - start - 1)))
            {
                error = "only plain ${NAME} expansions are supported";
                return false;
            }
            i = close + 1;
            return true;
        }
        int end = start;
        while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }
        if (end == start || !IsName(line.AsSpan(start, end - start)))
        {
            error = "command substitution and special parameters are not supported";
            return false;
        }
        i = end;
        return true;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }
}
