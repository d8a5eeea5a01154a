using System.Text.RegularExpressions;

namespace SftpKit.Docs.Tests;

/// <summary>
/// Finds the fenced C# blocks (info string <c>csharp</c>, <c>cs</c> or <c>c#</c>, any case) of a Markdown document and
/// the fragment markers in front of them. A marker is an HTML comment alone on a line, exactly
/// <c>&lt;!-- fragment: reason --&gt;</c>, and the next non-blank line must open a C# block; anything else that starts
/// like a marker (outside code blocks and inline code spans) is reported as a problem, never ignored, so a typo cannot
/// quietly exempt a block or let one through.
/// </summary>
public static partial class DocBlockExtractor
{
    /// <summary>The blocks of one document and what was wrong with its markers or fences.</summary>
    public sealed record Result(IReadOnlyList<DocBlock> Blocks, IReadOnlyList<string> Problems);

    /// <summary>Extracts the C# blocks of <paramref name="markdown"/>, named after <paramref name="file"/>.</summary>
    public static Result Extract(string file, string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<DocBlock>();
        var problems = new List<string>();
        string heading = "";
        (int Line, string Reason)? pendingMarker = null;

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            var open = FenceOpen().Match(line);
            if (open.Success)
            {
                string fence = open.Groups["fence"].Value;
                string language = open.Groups["info"].Value.Trim().Split(' ', 2)[0].ToLowerInvariant();
                bool isCSharp = language is "csharp" or "cs" or "c#";
                int close = FindClose(lines, i + 1, fence);
                if (close < 0)
                {
                    problems.Add($"{file}:{i + 1}: the code fence is never closed.");
                    break;
                }
                if (isCSharp)
                {
                    int indent = open.Groups["indent"].Value.Length;
                    string code = string.Join('\n', lines[(i + 1)..close].Select(l => RemoveIndent(l, indent)));
                    blocks.Add(new DocBlock(file, i + 1, heading, code + "\n", pendingMarker?.Reason));
                }
                else if (pendingMarker is { } marker)
                {
                    problems.Add($"{file}:{marker.Line}: the fragment marker is followed by a '{language}' block, not a C# one.");
                }
                pendingMarker = null;
                i = close;
                continue;
            }

            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (pendingMarker is { } dangling)
            {
                problems.Add($"{file}:{dangling.Line}: the fragment marker is not followed by a C# block.");
                pendingMarker = null;
            }
            // Inside an inline code span a marker is shown, not meant (prose that explains markers).
            if (LooseMarker().IsMatch(InlineCode().Replace(trimmed, "")))
            {
                var strict = StrictMarker().Match(trimmed);
                if (strict.Success)
                {
                    pendingMarker = (i + 1, strict.Groups["reason"].Value);
                }
                else
                {
                    problems.Add($"{file}:{i + 1}: malformed fragment marker '{trimmed}'; write it as '<!-- fragment: why this block is not a whole program -->'.");
                }
                continue;
            }
            var title = Heading().Match(line);
            if (title.Success)
            {
                heading = title.Groups["title"].Value.Trim();
            }
        }
        if (pendingMarker is { } last)
        {
            problems.Add($"{file}:{last.Line}: the fragment marker is not followed by a C# block.");
        }
        return new Result(blocks, problems);
    }

    /// <summary>
    /// How many lines open a C# fence, counted by a plain pattern independent of <see cref="Extract"/>: a check that
    /// the extractor saw every block.
    /// </summary>
    public static int CountCSharpFences(string markdown) => CSharpFenceLine().Count(markdown);

    private static int FindClose(string[] lines, int start, string fence)
    {
        for (int j = start; j < lines.Length; j++)
        {
            string t = lines[j].Trim();
            if (t.Length >= fence.Length && t.All(c => c == fence[0]))
            {
                return j;
            }
        }
        return -1;
    }

    private static string RemoveIndent(string line, int indent)
    {
        int n = 0;
        while (n < indent && n < line.Length && line[n] == ' ')
        {
            n++;
        }
        return line[n..];
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex FenceOpen();

    [GeneratedRegex(@"^ *(```+|~~~+) *(csharp|cs|c#)(?![\w#]).*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFenceLine();

    [GeneratedRegex(@"<!--\s*fragment", RegexOptions.IgnoreCase)]
    private static partial Regex LooseMarker();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^<!-- fragment: (?<reason>\S(.*\S)?) -->$")]
    private static partial Regex StrictMarker();

    [GeneratedRegex(@"^#{1,6} +(?<title>.+?) *#* *$")]
    private static partial Regex Heading();
}
