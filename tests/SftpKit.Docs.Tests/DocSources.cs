namespace SftpKit.Docs.Tests;

/// <summary>
/// The documents whose C# blocks are checked: README.md, docs/*.md and each package's NuGet readme
/// (src/*/README.md), read from the repository this test assembly was built in.
/// </summary>
public static class DocSources
{
    private static readonly Lazy<Snapshot> s_snapshot = new(Load);

    /// <summary>The repository root (the directory holding SftpKit.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The documents in scope, relative to the root with forward slashes, in a stable order.</summary>
    public static IReadOnlyList<string> Files => s_snapshot.Value.Files;

    /// <summary>Every C# block of the documents, fragments included.</summary>
    public static IReadOnlyList<DocBlock> Blocks => s_snapshot.Value.Blocks;

    /// <summary>What the extractor found wrong (malformed or dangling markers, unclosed fences).</summary>
    public static IReadOnlyList<string> Problems => s_snapshot.Value.Problems;

    /// <summary>The block at <paramref name="location"/> (<c>file:line</c>).</summary>
    public static DocBlock Find(string location) => Blocks.Single(b => b.Location == location);

    /// <summary>The text of a document in scope.</summary>
    public static string Read(string file) => File.ReadAllText(Path.Combine(RepositoryRoot, file));

    private static Snapshot Load()
    {
        var files = new List<string> { "README.md" };
        files.AddRange(Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Select(Relative).Order(StringComparer.Ordinal));
        files.AddRange(Directory.GetDirectories(Path.Combine(RepositoryRoot, "src"))
            .Select(d => Path.Combine(d, "README.md"))
            .Where(File.Exists)
            .Select(Relative)
            .Order(StringComparer.Ordinal));
        var blocks = new List<DocBlock>();
        var problems = new List<string>();
        foreach (string file in files)
        {
            var result = DocBlockExtractor.Extract(file, Read(file));
            blocks.AddRange(result.Blocks);
            problems.AddRange(result.Problems);
        }
        return new Snapshot(files, blocks, problems);
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SftpKit.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No SftpKit.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record Snapshot(IReadOnlyList<string> Files, IReadOnlyList<DocBlock> Blocks, IReadOnlyList<string> Problems);
}
