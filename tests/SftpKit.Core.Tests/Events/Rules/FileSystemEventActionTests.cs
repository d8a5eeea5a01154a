using SftpKit.Events.Rules;
using SftpKit.Events.Rules.Actions;
using SftpKit.FileSystem;
using SftpKit.Tests.Interop;
using static SftpKit.Tests.Events.Rules.EventActionTestSupport;

namespace SftpKit.Tests.Events.Rules;

public sealed class FileSystemEventActionTests
{
    private static readonly Dictionary<string, string> s_upload = new(StringComparer.Ordinal)
    {
        ["VirtualPath"] = "/uploads/batch",
        ["Name"] = "alice",
        ["ObjectName"] = "batch",
    };

    private static Task RunAsync(SftpFileActionSettings settings, IVirtualFileSystem fs, Dictionary<string, string>? placeholders = null)
        => new FileSystemEventAction().ExecuteAsync(Context(FileAction(settings), fs, placeholders: placeholders ?? s_upload), CancellationToken.None);

    [Fact]
    public async Task Compress_writes_a_zip_that_unzip_reads_back()
    {
        string unzip = Requires.Tool("unzip", "install Debian's unzip (scripts/test.sh does)");
        using var dir = new TempDirectory();
        dir.Write("uploads/batch/a.txt", "first file\n");
        dir.Write("uploads/batch/sub/b.csv", "x,y\n1,2\n");
        Directory.CreateDirectory(dir["uploads/batch/empty"]);
        var big = new byte[300_000];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(dir["uploads/batch/sub/big.bin"], big);

        await RunAsync(new SftpFileActionSettings
        {
            Type = SftpFileActionType.Compress,
            Compress = new SftpCompressSettings { Name = "/archives/{{ObjectName}}-{{Name}}.zip", Paths = ["{{VirtualPath}}"] },
        }, dir.FileSystem());

        string zip = dir["archives/batch-alice.zip"];
        Assert.True(File.Exists(zip));
        var test = await ProcessRunner.RunAsync(unzip, ["-t", zip]);
        Assert.True(test.ExitCode == 0, test.Text + test.StandardError);
        Assert.Contains("No errors detected", test.Text);
        var list = await ProcessRunner.RunAsync(unzip, ["-Z1", zip]);
        var names = list.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["batch/", "batch/a.txt", "batch/empty/", "batch/sub/", "batch/sub/b.csv", "batch/sub/big.bin"], names);
        Assert.Equal("first file\n", (await ProcessRunner.RunAsync(unzip, ["-p", zip, "batch/a.txt"])).Text);
        Assert.Equal(big, (await ProcessRunner.RunAsync(unzip, ["-p", zip, "batch/sub/big.bin"])).StandardOutput);
    }

    [Fact]
    public async Task Compress_of_several_paths_names_entries_from_their_common_directory_and_skips_the_zip_itself()
    {
        string unzip = Requires.Tool("unzip", "install Debian's unzip (scripts/test.sh does)");
        using var dir = new TempDirectory();
        dir.Write("data/x/one.txt", "1");
        dir.Write("data/two.txt", "2");
        await RunAsync(new SftpFileActionSettings
        {
            Type = SftpFileActionType.Compress,
            Compress = new SftpCompressSettings { Name = "/data/all.zip", Paths = ["/data/x", "/data/two.txt", "/data/all.zip"] },
        }, dir.FileSystem());
        var list = await ProcessRunner.RunAsync(unzip, ["-Z1", dir["data/all.zip"]]);
        Assert.Equal(["two.txt", "x/", "x/one.txt"], list.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rename_moves_and_creates_missing_parents()
    {
        using var dir = new TempDirectory();
        dir.Write("uploads/batch/a.txt", "A");
        await RunAsync(new SftpFileActionSettings
        {
            Type = SftpFileActionType.Rename,
            Renames = [new SftpKeyValue { Key = "{{VirtualPath}}/a.txt", Value = "/done/{{Name}}/a.txt" }],
        }, dir.FileSystem());
        Assert.False(File.Exists(dir["uploads/batch/a.txt"]));
        Assert.Equal("A", File.ReadAllText(dir["done/alice/a.txt"]));
    }

    [Fact]
    public async Task Copy_handles_files_directories_contents_and_wildcards()
    {
        using var dir = new TempDirectory();
        dir.Write("uploads/batch/a.txt", "A");
        dir.Write("uploads/batch/sub/b.txt", "B");
        dir.Write("uploads/batch/c.csv", "C");
        var fs = dir.FileSystem();

        // A directory, recursively.
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Copy, Copies = [new() { Key = "{{VirtualPath}}", Value = "/backup/batch" }] }, fs);
        Assert.Equal("B", File.ReadAllText(dir["backup/batch/sub/b.txt"]));
        Assert.Equal("A", File.ReadAllText(dir["uploads/batch/a.txt"]));

        // A file into a directory (target ends with '/').
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Copy, Copies = [new() { Key = "/uploads/batch/a.txt", Value = "/inbox/" }] }, fs);
        Assert.Equal("A", File.ReadAllText(dir["inbox/a.txt"]));

        // A directory's contents (source ends with '/').
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Copy, Copies = [new() { Key = "/uploads/batch/", Value = "/flat" }] }, fs);
        Assert.True(File.Exists(dir["flat/a.txt"]));
        Assert.True(File.Exists(dir["flat/sub/b.txt"]));

        // A wildcard in the last segment: matching files only.
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Copy, Copies = [new() { Key = "{{VirtualPath}}/*.csv", Value = "/csv" }] }, fs);
        Assert.Equal(["c.csv"], Directory.GetFiles(dir["csv"]).Select(Path.GetFileName));

        // Never into itself.
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Copy, Copies = [new() { Key = "/uploads", Value = "/uploads/again" }] }, fs));
        Assert.Contains("copy of '/uploads' failed", error.Message);
    }

    [Fact]
    public async Task Delete_removes_trees_contents_and_wildcard_matches()
    {
        using var dir = new TempDirectory();
        dir.Write("a/one.tmp", "1");
        dir.Write("a/two.tmp", "2");
        dir.Write("a/keep.txt", "k");
        dir.Write("b/deep/x.txt", "x");
        dir.Write("c/y.txt", "y");
        var fs = dir.FileSystem();

        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Delete, Deletes = ["/a/*.tmp", "/b", "/c/"] }, fs);
        Assert.Equal(["keep.txt"], Directory.GetFiles(dir["a"]).Select(Path.GetFileName));
        Assert.False(Directory.Exists(dir["b"]));
        Assert.True(Directory.Exists(dir["c"]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir["c"]));

        var missing = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Delete, Deletes = ["/nothing"] }, fs));
        Assert.Equal("delete of '/nothing' failed: not found", missing.Message);

        // The root itself is never removed: it is emptied.
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Delete, Deletes = ["/"] }, fs);
        Assert.True(Directory.Exists(dir.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Mkdir_creates_parents_and_exist_fails_for_missing_paths()
    {
        using var dir = new TempDirectory();
        var fs = dir.FileSystem();
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.MakeDirectories, MakeDirectories = ["/{{Name}}/in/2026", "/{{Name}}/in"] }, fs);
        Assert.True(Directory.Exists(dir["alice/in/2026"]));

        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Exist, Exist = ["/alice/in/2026", "/{{Name}}"] }, fs);
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Exist, Exist = ["/alice", "/alice/out"] }, fs));
        Assert.Equal("'/alice/out' does not exist", error.Message);

        dir.Write("file", "f");
        await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.MakeDirectories, MakeDirectories = ["/file/sub"] }, fs));
    }

    [Theory]
    [InlineData("/uploads/../../etc/passwd")]
    [InlineData("{{Evil}}")]
    [InlineData("")]
    public async Task Paths_that_climb_or_are_empty_are_refused_before_touching_storage(string template)
    {
        var fs = new InMemoryFileSystem();
        var placeholders = new Dictionary<string, string>(StringComparer.Ordinal) { ["Evil"] = "../secret" };
        await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.MakeDirectories, MakeDirectories = [template] }, fs, placeholders));
        await Assert.ThrowsAsync<VfsException>(async () => await fs.GetInfoAsync("/secret", true, CancellationToken.None));
    }

    [Fact]
    public async Task A_placeholder_value_with_wildcards_is_a_literal_path()
    {
        var fs = new InMemoryFileSystem();
        await fs.CreateDirectoryAsync("/d", CancellationToken.None);
        foreach (string name in new[] { "/d/a*", "/d/ab" })
        {
            await using var w = await fs.OpenWriteAsync(name, new VfsWriteOptions(), CancellationToken.None);
            await w.CompleteAsync(CancellationToken.None);
        }
        var placeholders = new Dictionary<string, string>(StringComparer.Ordinal) { ["VirtualPath"] = "/d/a*" };
        await RunAsync(new SftpFileActionSettings { Type = SftpFileActionType.Delete, Deletes = ["{{VirtualPath}}"] }, fs, placeholders);
        var left = new List<string>();
        await foreach (var e in fs.ListAsync("/d", CancellationToken.None))
        {
            left.Add(e.Name);
        }
        Assert.Equal(["ab"], left);
    }

    [Fact]
    public async Task Without_an_account_the_action_fails_clearly()
    {
        var action = FileAction(new SftpFileActionSettings { Type = SftpFileActionType.Exist, Exist = ["/"] });
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            new FileSystemEventAction().ExecuteAsync(Context(action, fs: null, userName: null), CancellationToken.None));
        Assert.Equal("the action needs an account", error.Message);
    }
}
