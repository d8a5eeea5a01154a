using System.Globalization;
using Renci.SshNet;

namespace SftpKit.Docs.Tests;

/// <summary>
/// The README's embedding example, compiled exactly as written and run as its own process, serves a real client:
/// SSH.NET logs in as the example's user with the example's password, uploads and downloads a file, and runs the
/// example's command. The only input the test gives is the example's own <c>--Port</c> switch, set to 0 (a free port
/// on 127.0.0.1), whose number the test reads from the server's "listening on" log line.
/// </summary>
public sealed class ReadmeEmbeddingExampleTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Readme_embedding_example_serves_sftp_and_its_command_as_written()
    {
        var example = Assert.Single(DocSources.Blocks, b => b.File == "README.md" && b.Heading == "Embedding");
        await using var program = DocProgram.Start(example, "--Port", "0");

        var listening = await program.WaitForOutputAsync(@"SFTP server listening on 127\.0\.0\.1:(?<port>\d+)", StartTimeout);
        int port = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);

        byte[] content = "uploaded through the README example\n"u8.ToArray();
        using (var sftp = new SftpClient("127.0.0.1", port, "alice", "s3cret"))
        {
            sftp.HostKeyReceived += (_, e) => e.CanTrust = true;
            await sftp.ConnectAsync(TestContext.Current.CancellationToken);
            using (var upload = new MemoryStream(content))
            {
                await sftp.UploadFileAsync(upload, "/report.txt", TestContext.Current.CancellationToken);
            }
            using var download = new MemoryStream();
            await sftp.DownloadFileAsync("/report.txt", download, TestContext.Current.CancellationToken);
            sftp.Disconnect();
            Assert.Equal(content, download.ToArray());
        }
        // The example's HomeDirectory is relative: the file is on disk under the program's working directory.
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(program.Directory, "home", "alice", "report.txt"), TestContext.Current.CancellationToken));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(program.Directory, "keys"), "ssh_host_*_key"));

        using (var ssh = new SshClient("127.0.0.1", port, "alice", "s3cret"))
        {
            ssh.HostKeyReceived += (_, e) => e.CanTrust = true;
            await ssh.ConnectAsync(TestContext.Current.CancellationToken);
            using var command = ssh.RunCommand("whoami");
            ssh.Disconnect();
            Assert.Equal(0, command.ExitStatus);
            Assert.Equal("alice\n", command.Result);
        }

        Assert.False(program.HasExited, "The example stopped while serving:\n" + program.Output);
        Assert.DoesNotContain("fail:", program.Output, StringComparison.Ordinal);
    }
}
