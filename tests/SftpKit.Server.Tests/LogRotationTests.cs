using System.Text.RegularExpressions;

namespace SftpKit.Server.Tests;

/// <summary><c>--log-file-path</c> with a tiny <c>--log-max-size</c>: files rotate, rotated ones are gzipped and pruned.</summary>
public sealed class LogRotationTests
{
    [Fact]
    public async Task Rotated_logs_are_compressed_and_at_most_max_backups_are_kept()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string logs = Path.Combine(dir, "logs");
        await using var server = await SampleServerProcess.StartAsync(dir,
            ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1", "--user", "demo:demo-password",
             "--log-file-path", "logs/sftpkit.log", "--log-max-size", "2KB", "--log-max-backups", "3", "--log-compress", "true", "--log-level", "debug"],
            new Dictionary<string, string> { ["SFTPKIT__HTTP__ENABLED"] = "false" }, logDirectory: logs);
        // Nothing but the files gets the logs.
        Assert.DoesNotContain(server.StandardOutput, l => l.StartsWith('{'));

        // Logins write records until at least four files have rotated (three archives kept, older ones pruned).
        var archive = new Regex(@"^sftpkit-\d{8}T\d{9}(-\d+)?\.log\.gz$");
        int logins = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (seen.Count < 5 && logins < 200)
        {
            using (var client = server.SftpClient("demo", "demo-password"))
            {
                await client.ConnectAsync(CancellationToken.None);
                client.Disconnect();
            }
            logins++;
            seen.UnionWith(Directory.GetFiles(logs).Select(Path.GetFileName).Where(n => archive.IsMatch(n!))!);
        }
        Assert.True(seen.Count >= 5, $"only {seen.Count} archives after {logins} logins: {string.Join(", ", Directory.GetFiles(logs))}");

        // Once the background compressor is idle: one plain file (the active one), at most three archives.
        Assert.True(await SampleServerProcess.EventuallyAsync(() =>
        {
            var names = Directory.GetFiles(logs).Select(Path.GetFileName).ToList();
            return Task.FromResult(names.Count(n => n!.EndsWith(".log", StringComparison.Ordinal)) == 1
                && names.Count(n => archive.IsMatch(n!)) == 3
                && names.All(n => n!.EndsWith(".log", StringComparison.Ordinal) || archive.IsMatch(n!)));
        }, TimeSpan.FromSeconds(30)), string.Join(", ", Directory.GetFiles(logs)));

        // Every file is small and every line of every archive is a JSON log record.
        foreach (string file in Directory.GetFiles(logs, "*.log"))
        {
            Assert.InRange(new FileInfo(file).Length, 1, 2048 + 4096);
        }
        var lines = SampleServerProcess.ReadLogLines(logs);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.NotNull(SampleServerProcess.TryParse(l)?["@t"]));
        Assert.DoesNotContain(lines, l => l.Contains("demo-password", StringComparison.Ordinal));
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
