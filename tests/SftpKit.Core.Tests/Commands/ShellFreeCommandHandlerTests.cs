// md5sum and sha1sum output is checked against the BCL: weak hashes are the point here, not a security use.
#pragma warning disable CA5350, CA5351

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

using SftpKit.Commands;

namespace SftpKit.Tests.Commands;

public class ShellFreeCommandHandlerTests
{
    private readonly CommandTestHarness _harness = new();

    private ShellFreeCommandHandler Handler => new(_harness.Provider, NullLogger<ShellFreeCommandHandler>.Instance);

    [Theory]
    [InlineData("md5sum")]
    [InlineData("sha1sum")]
    [InlineData("sha256sum")]
    [InlineData("sha384sum")]
    [InlineData("sha512sum")]
    public async Task Hashes_InCoreutilsFormat(string command)
    {
        byte[] content = Encoding.UTF8.GetBytes("hello world\n");
        await _harness.WriteFileAsync("/a.txt", content);
        var run = await CommandTestHarness.RunAsync(Handler, $"{command} a.txt '/a.txt'");
        string hex = command switch
        {
            "md5sum" => Convert.ToHexStringLower(MD5.HashData(content)),
            "sha1sum" => Convert.ToHexStringLower(SHA1.HashData(content)),
            "sha256sum" => Convert.ToHexStringLower(SHA256.HashData(content)),
            "sha384sum" => Convert.ToHexStringLower(SHA384.HashData(content)),
            _ => Convert.ToHexStringLower(SHA512.HashData(content)),
        };
        Assert.Equal(0, run.Status);
        Assert.Equal($"{hex}  a.txt\n{hex}  /a.txt\n", run.Text);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task MissingFile_Exit1_WithCoreutilsMessage_OthersStillHashed()
    {
        await _harness.WriteFileAsync("/a", [1, 2, 3]);
        var run = await CommandTestHarness.RunAsync(Handler, "md5sum nope a");
        Assert.Equal(1, run.Status);
        Assert.Equal("md5sum: nope: No such file or directory\n", run.Error);
        Assert.Equal($"{Convert.ToHexStringLower(MD5.HashData(new byte[] { 1, 2, 3 }))}  a\n", run.Text);
    }

    [Fact]
    public async Task Directory_Exit1()
    {
        await _harness.Fs.CreateDirectoryAsync("/d", default);
        var run = await CommandTestHarness.RunAsync(Handler, "sha1sum d");
        Assert.Equal(1, run.Status);
        Assert.Equal("sha1sum: d: Is a directory\n", run.Error);
    }

    [Fact]
    public async Task NoArgument_HashesStdin_AsRcloneProbes()
    {
        var run = await CommandTestHarness.RunAsync(Handler, "md5sum");
        Assert.Equal(0, run.Status);
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e  -\n", run.Text);
    }

    [Fact]
    public async Task DotDot_StaysInsideRoot()
    {
        await _harness.WriteFileAsync("/a", [7]);
        var run = await CommandTestHarness.RunAsync(Handler, "md5sum ../../a");
        Assert.Equal(0, run.Status);
        Assert.StartsWith(Convert.ToHexStringLower(MD5.HashData(new byte[] { 7 })), run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pwd_Cd_Echo()
    {
        Assert.Equal("/\n", (await CommandTestHarness.RunAsync(Handler, "pwd")).Text);
        Assert.Equal(0, (await CommandTestHarness.RunAsync(Handler, "cd")).Status);
        await _harness.Fs.CreateDirectoryAsync("/sub", default);
        var chain = await CommandTestHarness.RunAsync(Handler, "cd sub && pwd");
        Assert.Equal((0, "/sub\n"), (chain.Status, chain.Text));
        var missing = await CommandTestHarness.RunAsync(Handler, "cd nope && pwd");
        Assert.Equal((1, string.Empty, "cd: nope: No such file or directory\n"), (missing.Status, missing.Text, missing.Error));
        Assert.Equal("a b  c\n", (await CommandTestHarness.RunAsync(Handler, "echo a 'b  c'")).Text);
        Assert.Equal("%ComSpec%\n", (await CommandTestHarness.RunAsync(Handler, "echo ${ShellId}%ComSpec%")).Text);
        Assert.Equal("\n", (await CommandTestHarness.RunAsync(Handler, "echo")).Text);
    }

    [Theory]
    [InlineData("md5sum a | sh")]
    [InlineData("echo $(id)")]
    [InlineData("md5sum a > /b")]
    [InlineData("cd / && rm -rf x")]
    public async Task ShellSyntax_Refused127(string command)
    {
        var run = await CommandTestHarness.RunAsync(Handler, command);
        Assert.Equal(127, run.Status);
        Assert.StartsWith("sftpkit: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("ls")]
    [InlineData("md5summer x")]
    [InlineData("scp -t /")]
    public void DoesNotClaim_OtherCommands(string command) => Assert.False(Handler.CanExecute(command));
}
