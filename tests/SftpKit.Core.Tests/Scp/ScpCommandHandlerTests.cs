using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.FileSystem;
using SftpKit.Scp;
using SftpKit.Tests.Commands;

namespace SftpKit.Tests.Scp;

public class ScpCommandHandlerTests
{
    private readonly CommandTestHarness _harness = new();

    private ScpCommandHandler Handler => new(_harness.Provider, NullLogger<ScpCommandHandler>.Instance);

    private static byte[] Bytes(params object[] parts)
    {
        var stream = new MemoryStream();
        foreach (var part in parts)
        {
            byte[] bytes = part is byte[] b ? b : Encoding.UTF8.GetBytes((string)part);
            stream.Write(bytes);
        }
        return stream.ToArray();
    }

    [Fact]
    public async Task Sink_ReceivesFile_IntoDirectory()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0640 5 a.txt\n", "hello", "\0"));
        Assert.Equal(0, run.Status);
        Assert.Equal(new byte[] { 0, 0, 0 }, run.Output);
        Assert.Equal("hello", Encoding.UTF8.GetString(await _harness.ReadFileAsync("/a.txt")));
    }

    [Fact]
    public async Task Sink_TargetNamesTheFile_WhenNotADirectory()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t -- /renamed.txt", Bytes("C0644 2 a.txt\n", "hi", "\0"));
        Assert.Equal(0, run.Status);
        Assert.Equal("hi", Encoding.UTF8.GetString(await _harness.ReadFileAsync("/renamed.txt")));
        Assert.False(await _harness.ExistsAsync("/a.txt"));
    }

    [Fact]
    public async Task Sink_RecursiveWithTimes()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -r -p -d -t /", Bytes(
            "T1600000000 0 1600000001 0\n", "D0755 0 dir\n",
            "T1500000000 0 1500000000 0\n", "C0600 3 f\n", "abc", "\0",
            "D0700 0 sub\n", "C0644 0 empty\n", "\0", "E\n",
            "E\n"));
        Assert.Equal(0, run.Status);
        Assert.All(run.Output, b => Assert.Equal(0, b));
        Assert.Equal("abc", Encoding.UTF8.GetString(await _harness.ReadFileAsync("/dir/f")));
        Assert.Empty(await _harness.ReadFileAsync("/dir/sub/empty"));
        var file = await _harness.Fs.GetInfoAsync("/dir/f", true, default);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1500000000), file.LastWriteTime);
        Assert.Equal(0x180u, file.Permissions);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1600000000), (await _harness.Fs.GetInfoAsync("/dir", true, default)).LastWriteTime);
    }

    [Theory]
    [InlineData("C0644 3 ../evil\n")]
    [InlineData("C0644 3 a/b\n")]
    [InlineData("C0644 3 ..\n")]
    [InlineData("C0644 3 .\n")]
    [InlineData("C0644 3 \n")]
    [InlineData("C0644 3 /abs\n")]
    [InlineData("C0644 3 a\u0001b\n")]
    [InlineData("C0644 -3 x\n")]
    [InlineData("C0644 +3 x\n")]
    [InlineData("C0644 3x x\n")]
    [InlineData("C0644 99999999999999999999 x\n")]
    [InlineData("C644 3 x\n")]
    [InlineData("C0648 3 x\n")]
    [InlineData("C0644 3\n")]
    [InlineData("X0644 3 x\n")]
    [InlineData("D0755 0 x\n")] // no -r
    [InlineData("E\n")]
    [InlineData("T1 0 1\n")]
    public async Task Sink_RejectsHostileOrMalformedHeaders(string header)
    {
        await _harness.Fs.CreateDirectoryAsync("/in", default);
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /in", Bytes(header, "abc", "\0"));
        Assert.Equal(1, run.Status);
        Assert.Equal(0, run.Output[0]);
        Assert.Equal(1, run.Output[1]);
        Assert.EndsWith("\n", Encoding.UTF8.GetString(run.Output), StringComparison.Ordinal);
        var root = new List<string>();
        await foreach (var e in _harness.Fs.ListAsync("/", default))
        {
            root.Add(e.Name);
        }
        Assert.Equal(["in"], root);
        await foreach (var e in _harness.Fs.ListAsync("/in", default))
        {
            Assert.Fail("unexpected " + e.Name);
        }
    }

    [Fact]
    public async Task Sink_OverlongLine_Rejected()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 1 " + new string('a', 5000) + "\n"));
        Assert.Equal(1, run.Status);
        Assert.Contains("line too long", Encoding.UTF8.GetString(run.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sink_TruncatedUpload_LeavesNoFile_AndKeepsOldContent()
    {
        await _harness.WriteFileAsync("/keep", Encoding.UTF8.GetBytes("old"));
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 100 new\n", "partial", "C0644 100 keep\n"));
        Assert.Equal(1, run.Status);
        Assert.False(await _harness.ExistsAsync("/new"));
        var again = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 100 keep\n", "partial"));
        Assert.Equal(1, again.Status);
        Assert.Equal("old", Encoding.UTF8.GetString(await _harness.ReadFileAsync("/keep")));
    }

    [Fact]
    public async Task Sink_InputEndingRightAfterTheData_KeepsTheFile()
    {
        // libssh2 (curl's scp://) sends no status byte after the data; it ends its input instead.
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 5 a.txt\n", "hello"));
        Assert.Equal(0, run.Status);
        Assert.Equal(new byte[] { 0, 0, 0 }, run.Output);
        Assert.Equal("hello", Encoding.UTF8.GetString(await _harness.ReadFileAsync("/a.txt")));
    }

    [Fact]
    public async Task Sink_ClientGivesUpAfterTheData_FileDiscarded()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 3 x\n", "abc", "\u0002scp: interrupted\n"));
        Assert.Equal(1, run.Status);
        Assert.False(await _harness.ExistsAsync("/x"));
    }

    [Fact]
    public async Task Sink_ClientReportsReadError_FileDiscarded()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -t /", Bytes("C0644 3 x\n", "abc", "\u0001scp: x: read error\n"));
        Assert.Equal(1, run.Status);
        Assert.False(await _harness.ExistsAsync("/x"));
    }

    [Fact]
    public async Task Sink_DirectoryTargetRequired_WithD()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "scp -d -t /missing", Bytes("C0644 1 x\n", "a", "\0"));
        Assert.Equal(1, run.Status);
        Assert.Equal(1, run.Output[0]);
    }

    [Fact]
    public async Task Source_SendsFile_WithTimes()
    {
        await _harness.WriteFileAsync("/a.txt", Encoding.UTF8.GetBytes("hello"));
        await _harness.Fs.SetInfoAsync("/a.txt", new VfsAttributeChange { Permissions = 0x1A0, Times = (DateTimeOffset.FromUnixTimeSeconds(1000), DateTimeOffset.FromUnixTimeSeconds(2000)) }, true, default);
        var run = await CommandTestHarness.RunAsync(Handler, "scp -p -f a.txt", Bytes("\0\0\0\0"));
        Assert.Equal(0, run.Status);
        Assert.Equal("T2000 0 1000 0\nC0640 5 a.txt\nhello\0", run.Text);
    }

    [Fact]
    public async Task Source_Recursive()
    {
        await _harness.Fs.CreateDirectoryAsync("/d", default);
        await _harness.Fs.CreateDirectoryAsync("/d/e", default);
        await _harness.WriteFileAsync("/d/e/f", Encoding.UTF8.GetBytes("xy"));
        var run = await CommandTestHarness.RunAsync(Handler, "scp -r -f /d", Bytes(new byte[16]));
        Assert.Equal(0, run.Status);
        Assert.Matches("^D0[0-7]{3} 0 d\nD0[0-7]{3} 0 e\nC0[0-7]{3} 2 f\nxy\0E\nE\n$", run.Text);
    }

    [Fact]
    public async Task Source_Missing_Exit1_AndGoesOn()
    {
        await _harness.WriteFileAsync("/b", Encoding.UTF8.GetBytes("b"));
        var run = await CommandTestHarness.RunAsync(Handler, "scp -f nope b", Bytes("\0\0\0"));
        Assert.Equal(1, run.Status);
        Assert.StartsWith("\u0001scp: nope: No such file or directory\nC0644 1 b\nb\0", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_DirectoryWithoutR_Warns()
    {
        await _harness.Fs.CreateDirectoryAsync("/d", default);
        var run = await CommandTestHarness.RunAsync(Handler, "scp -f d", Bytes("\0"));
        Assert.Equal(1, run.Status);
        Assert.Equal("\u0001scp: d: not a regular file\n", run.Text);
    }

    [Theory]
    [InlineData("scp -x -t /")]
    [InlineData("scp /")]
    [InlineData("scp -t")]
    [InlineData("scp -t a b")]
    [InlineData("scp -t / | sh")]
    public async Task BadCommandLines_Fatal(string command)
    {
        var run = await CommandTestHarness.RunAsync(Handler, command);
        Assert.Equal(1, run.Status);
        Assert.Equal(2, run.Output[0]);
    }
}
