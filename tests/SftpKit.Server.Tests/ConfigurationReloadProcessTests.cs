using SftpKit.Tests.Interop;

namespace SftpKit.Server.Tests;

/// <summary>
/// Live reload of the running sample: a changed sftpkit.json (picked up by its file watcher) raises
/// MaxConnectionsPerHost and the log level for the next connections, names the keys that need a restart, and SIGHUP
/// re-reads the file without ending the process.
/// </summary>
public sealed class ConfigurationReloadProcessTests
{
    private const string Password = "demo-password";

    [Fact]
    public async Task Changed_file_and_sighup_apply_limits_and_log_level_to_new_connections()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string file = Path.Combine(dir, "sftpkit.json");
        await File.WriteAllTextAsync(file, Config(perHost: 1, level: "info", maxOpenHandles: 256));
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1", "--user", "demo:" + Password]))
        {
            using var first = server.SftpClient("demo", Password);
            await first.ConnectAsync(CancellationToken.None);
            using (var refused = server.SftpClient("demo", Password))
            {
                await Assert.ThrowsAnyAsync<Exception>(() => refused.ConnectAsync(CancellationToken.None));
            }
            // The refusal's log line may reach the test's reader after the client has seen the refusal: wait for it.
            Assert.NotNull(await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                l.Contains("\"HostConnectionLimitReached\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains("\"ConnectionAccepted\"", StringComparison.Ordinal)); // debug, off

            // The file changes (written elsewhere and renamed over it, as editors save).
            string temporary = Path.Combine(dir, "sftpkit.json.tmp");
            await File.WriteAllTextAsync(temporary, Config(perHost: 3, level: "debug", maxOpenHandles: 512));
            File.Move(temporary, file, overwrite: true);
            var reloaded = await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                l.Contains("\"ConfigurationReloaded\"", StringComparison.Ordinal) && l.Contains("SftpKit:Limits:MaxConnectionsPerHost", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30));
            Assert.NotNull(reloaded);
            Assert.Contains("SftpKit:Logging:Level", reloaded, StringComparison.Ordinal);
            Assert.NotNull(await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                l.Contains("\"ConfigurationNeedsRestart\"", StringComparison.Ordinal) && l.Contains("SftpKit:Sftp:MaxOpenHandles", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30)));

            using (var second = server.SftpClient("demo", Password))
            {
                await second.ConnectAsync(CancellationToken.None);
                Assert.True(second.IsConnected);
                Assert.NotNull(await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                    l.Contains("\"ConnectionAccepted\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
            }

            // SIGHUP re-reads the file: logged, and the process goes on (the signal's default would end it).
            var hup = await ProcessRunner.RunAsync("kill", ["-HUP", server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, hup.ExitCode);
            Assert.NotNull(await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                l.Contains("\"ConfigurationReloaded\"", StringComparison.Ordinal) && l.Contains("SIGHUP", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
            Assert.False(server.HasExited);
            using (var third = server.SftpClient("demo", Password))
            {
                await third.ConnectAsync(CancellationToken.None);
                Assert.True(third.IsConnected);
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    private static string Config(int perHost, string level, int maxOpenHandles) => $$"""
        {
          "SftpKit": {
            "Limits": { "MaxConnectionsPerHost": {{perHost}} },
            "Defender": { "Enabled": false },
            "Sftp": { "MaxOpenHandles": {{maxOpenHandles}} },
            "Logging": { "Level": "{{level}}" }
          }
        }
        """;
}
