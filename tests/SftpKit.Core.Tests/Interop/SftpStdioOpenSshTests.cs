using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>
/// OpenSSH's <c>sftp -D</c> driving the sample server's <c>--stdio-sftp ROOT</c> mode: the SFTP layer over
/// stdin/stdout with no SSH underneath. The test project builds the sample (a project reference that is not an
/// assembly reference) and finds its dll beside its own build output.
/// </summary>
public sealed class SftpStdioOpenSshTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-stdio-" + Guid.NewGuid().ToString("N")[..12]);

    public SftpStdioOpenSshTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "root"));
        Directory.CreateDirectory(Path.Combine(_directory, "local"));
    }

    private string Root(string name) => Path.Combine(_directory, "root", name);

    private string Local(string name) => Path.Combine(_directory, "local", name);

    /// <summary>samples/SftpKit.Server/bin/CONFIG/TFM/SftpKit.Server.dll for this test assembly's CONFIG and TFM.</summary>
    private static string SampleDll() => ProcessRunner.BuiltAssembly("samples/SftpKit.Server", "SftpKit.Server");

    private static string DotnetHost() => ProcessRunner.DotnetHost();

    [Fact]
    public async Task SftpDirect_PutGetLsMkdirRename()
    {
        var content = RandomNumberGenerator.GetBytes(2_000_003);
        await File.WriteAllBytesAsync(Local("up.bin"), content);
        await File.WriteAllBytesAsync(Root("served.bin"), content[..70_000]);
        string batch = Path.Combine(_directory, "batch");
        await File.WriteAllLinesAsync(batch,
        [
            "mkdir d",
            "put up.bin d/up.bin",
            "rename d/up.bin d/moved.bin",
            "get served.bin down.bin",
            "ls -l d",
            "pwd",
        ]);
        string server = $"{DotnetHost()} {SampleDll()} --stdio-sftp {Path.Combine(_directory, "root")}";
        var result = await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp -b \"$1\" -D \"$2\"", Path.Combine(_directory, "local"), batch, server]);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        Assert.Matches(@"-rw-r--r--\s+\?\s+\d+\s+\d+\s+2000003 .*moved.bin", result.Text);
        Assert.Contains("Remote working directory: /", result.Text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Root("d")));
        Assert.False(File.Exists(Root("d/up.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(Root("d/moved.bin")));
        Assert.Equal(content[..70_000], await File.ReadAllBytesAsync(Local("down.bin")));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
