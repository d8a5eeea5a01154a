namespace SftpKit.Docs.Tests;

/// <summary>The extractor finds what a reader sees and refuses markers it cannot read, so the block tests cannot pass vacuously.</summary>
public sealed class DocBlockExtractorTests
{
    [Fact]
    public void Finds_csharp_cs_and_c_sharp_fences_with_line_heading_and_code()
    {
        string markdown = """
            # Title

            ## Setup

            ```csharp
            var a = 1;
            ```

            ```bash
            echo not csharp
            ```

            ~~~C#
            var b = 2;
            ~~~

              ```cs
              var c = 3;
              ```
            """;

        var result = DocBlockExtractor.Extract("x.md", markdown);

        Assert.Empty(result.Problems);
        Assert.Equal([5, 13, 17], result.Blocks.Select(b => b.Line));
        Assert.All(result.Blocks, b => Assert.Equal("Setup", b.Heading));
        Assert.Equal(["var a = 1;\n", "var b = 2;\n", "var c = 3;\n"], result.Blocks.Select(b => b.Code));
        Assert.Equal("x.md:5", result.Blocks[0].Location);
        Assert.Equal(3, DocBlockExtractor.CountCSharpFences(markdown));
    }

    [Fact]
    public void A_marker_right_before_a_block_makes_it_a_fragment_with_its_reason()
    {
        string markdown = """
            <!-- fragment: continues the program above -->
            ```csharp
            app.Run();
            ```

            ```csharp
            var whole = true;
            ```
            """;

        var result = DocBlockExtractor.Extract("x.md", markdown);

        Assert.Empty(result.Problems);
        Assert.Equal("continues the program above", result.Blocks[0].FragmentReason);
        Assert.Null(result.Blocks[1].FragmentReason);
    }

    [Theory]
    [InlineData("<!-- fragment -->")]
    [InlineData("<!-- fragment: -->")]
    [InlineData("<!--fragment: no spaces-->")]
    [InlineData("<!-- Fragment: capital -->")]
    [InlineData("<!-- fragment: unclosed")]
    [InlineData("text <!-- fragment: inline --> text")]
    public void Reports_a_malformed_marker(string marker)
    {
        var result = DocBlockExtractor.Extract("x.md", marker + "\n```csharp\nvar a = 1;\n```\n");

        Assert.Contains(result.Problems, p => p.StartsWith("x.md:1: malformed fragment marker", StringComparison.Ordinal));
        Assert.Null(Assert.Single(result.Blocks).FragmentReason);
    }

    [Theory]
    [InlineData("<!-- fragment: reason -->\nSome prose.\n```csharp\nvar a = 1;\n```\n")]
    [InlineData("<!-- fragment: reason -->\n```bash\necho\n```\n")]
    [InlineData("text\n<!-- fragment: reason -->\n")]
    public void Reports_a_marker_that_marks_no_csharp_block(string markdown)
    {
        var result = DocBlockExtractor.Extract("x.md", markdown);

        Assert.Single(result.Problems);
        Assert.All(result.Blocks, b => Assert.Null(b.FragmentReason));
    }

    [Fact]
    public void Reports_an_unclosed_fence()
    {
        var result = DocBlockExtractor.Extract("x.md", "intro\n```csharp\nvar a = 1;\n");

        Assert.Equal(["x.md:2: the code fence is never closed."], result.Problems);
        Assert.Empty(result.Blocks);
    }

    [Theory]
    [InlineData("```markdown\n<!-- fragment -->\n```\n")]
    [InlineData("Mark a block with a `<!-- fragment: reason -->` line.\n")]
    public void A_marker_shown_as_code_is_text(string markdown)
    {
        var result = DocBlockExtractor.Extract("x.md", markdown);

        Assert.Empty(result.Problems);
        Assert.Empty(result.Blocks);
    }
}
