namespace SftpKit.Docs.Tests;

/// <summary>
/// Every C# block of README.md, docs/*.md and src/*/README.md compiles (see <see cref="DocCompiler"/> for how), unless a
/// <c>&lt;!-- fragment: reason --&gt;</c> line right before it says why it cannot be a whole program. A failing case is
/// named by the document and the line of the block's opening fence.
/// </summary>
public sealed class DocBlockTests
{
    /// <summary>The locations (<c>file:line</c>) of the blocks that must compile.</summary>
    public static TheoryData<string> CompiledBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in DocSources.Blocks.Where(b => b.FragmentReason is null))
        {
            data.Add(block.Location);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CompiledBlocks))]
    public void Block_compiles(string location)
    {
        var block = DocSources.Find(location);
        var compilation = DocCompiler.Compile(block);

        var problems = DocCompiler.Problems(compilation);
        Assert.True(problems.Count == 0, $"The C# block at {location} does not compile cleanly:\n{DocCompiler.Describe(problems)}\n\n{block.Code}");

        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, $"The C# block at {location} does not emit:\n{DocCompiler.Describe(emitted.Diagnostics)}");
    }

    [Fact]
    public void Markers_are_well_formed_and_the_extractor_found_every_block()
    {
        Assert.True(DocSources.Problems.Count == 0, "Documentation markup problems:\n" + string.Join('\n', DocSources.Problems));
        Assert.Contains("README.md", DocSources.Files);
        Assert.Contains(DocSources.Files, f => f.StartsWith("docs/", StringComparison.Ordinal));
        Assert.Contains(DocSources.Files, f => f.StartsWith("src/", StringComparison.Ordinal));
        foreach (string file in DocSources.Files)
        {
            int fences = DocBlockExtractor.CountCSharpFences(DocSources.Read(file));
            Assert.True(fences == DocSources.Blocks.Count(b => b.File == file),
                $"{file} has {fences} C# fences but the extractor found {DocSources.Blocks.Count(b => b.File == file)} blocks.");
        }
        // Most blocks are compiled: a marker is for the rare block that cannot be a program on purpose.
        Assert.True(DocSources.Blocks.Count >= 10, $"Only {DocSources.Blocks.Count} C# blocks found in the documentation.");
        Assert.True(DocSources.Blocks.Count(b => b.FragmentReason is null) * 2 > DocSources.Blocks.Count,
            "More than half of the documentation's C# blocks are marked as fragments:\n"
            + string.Join('\n', DocSources.Blocks.Where(b => b.FragmentReason is not null).Select(b => $"{b.Location}: {b.FragmentReason}")));
    }

    [Fact]
    public void The_readme_embedding_example_is_compiled_not_a_fragment()
    {
        var example = Assert.Single(DocSources.Blocks, b => b.File == "README.md" && b.Heading == "Embedding");
        Assert.Null(example.FragmentReason);
    }
}
