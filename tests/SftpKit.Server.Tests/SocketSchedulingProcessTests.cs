using System.Text;

namespace SftpKit.Server.Tests;

/// <summary>
/// The sample runs socket continuations inline on the runtime's socket engine threads unless the environment says
/// otherwise (SampleSocketScheduling): the runtime then starts one engine thread per core instead of one in total.
/// </summary>
public sealed class SocketSchedulingProcessTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public async Task Inline_completions_are_the_default_and_the_environment_can_turn_them_off(string? variable)
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount < 2)
        {
            Assert.Skip("Counts the runtime's socket engine threads in /proc; needs Linux and at least 2 cores.");
        }
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        var environment = new Dictionary<string, string> { ["SFTPKIT__HTTP__ENABLED"] = "false" };
        if (variable is not null)
        {
            environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = variable;
        }
        await using var server = await SampleServerProcess.StartAsync(dir,
            ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1", "--user", "demo:demo-password"], environment);

        // A whole upload and download through the server, so every engine thread exists and served real requests.
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("inline completions ", 5000)));
        using (var client = server.SftpClient("demo", "demo-password"))
        {
            client.Connect();
            using (var upload = new MemoryStream(content))
            {
                client.UploadFile(upload, "/check.txt");
            }
            using var download = new MemoryStream();
            client.DownloadFile("/check.txt", download);
            Assert.Equal(content, download.ToArray());
        }

        int engines = Directory.GetDirectories($"/proc/{server.ProcessId}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
        // Without inline completions the runtime starts one engine per 30 cores (x64), at least one.
        int threadPoolEngines = Math.Max(1, (int)Math.Round(Environment.ProcessorCount / 30.0));
        Assert.Equal(variable is null ? Environment.ProcessorCount : threadPoolEngines, engines);
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
