namespace SftpKit.Docs.Tests;

/// <summary>One fenced C# block of a Markdown document.</summary>
/// <param name="File">The document, relative to the repository root with forward slashes (e.g. <c>docs/sql.md</c>).</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Heading">The nearest heading above the block, without its <c>#</c> marks; empty before the first one.</param>
/// <param name="Code">The block's text, without the fences and without the fence's indentation.</param>
/// <param name="FragmentReason">
/// Why the block is not a whole program, from a <c>&lt;!-- fragment: reason --&gt;</c> line right before it; null
/// for a block that must compile.
/// </param>
public sealed record DocBlock(string File, int Line, string Heading, string Code, string? FragmentReason)
{
    /// <summary>Where the block is, as a test names it: <c>docs/sql.md:89</c>.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>The 1-based line of the block's first line of code.</summary>
    public int FirstCodeLine => Line + 1;
}
