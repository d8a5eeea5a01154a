using System.Text.Json;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// The CI-size run of benchmarks/SftpKit.LoadTest: 500 concurrent SSH.NET sessions for one minute against the tool's
/// own SftpKit server process (local disk, atomic uploads), every download checked by SHA-256. The full size (five
/// minutes) is scripts/load.sh.
/// </summary>
[Collection(LoadAndFaultsCollection.Name)]
public sealed class LoadGeneratorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveHundredSessions_OneMinute_ZeroErrors_VerifiedContent_FlatServer()
    {
        string json = Path.Combine(Path.GetTempPath(), "sftpkit-load-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        try
        {
            var result = await ProcessRunner.RunAsync(DotnetHost(), [ToolDll(), "run", "--sessions", "500", "--duration", "60",
                "--ramp-up", "20", "--json", json], timeout: TimeSpan.FromMinutes(10));
            output.WriteLine(result.Text);
            output.WriteLine(result.StandardError);
            Assert.True(result.ExitCode == 0, result.Text + result.StandardError);

            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = summary.RootElement;
            Assert.Equal(0, root.GetProperty("errors").GetInt64());
            Assert.Equal(0, root.GetProperty("mismatches").GetInt64());
            Assert.Equal(500, root.GetProperty("connected").GetInt64());
            Assert.Equal(500, root.GetProperty("completed").GetInt64());
            // Each session checks every file it still holds at the end, so at least one file per session was verified.
            Assert.True(root.GetProperty("filesVerified").GetInt64() >= 500);
            Assert.True(root.GetProperty("uploads").GetInt64() >= 500);
            Assert.True(root.GetProperty("endFds").GetInt32() <= root.GetProperty("baselineFds").GetInt32() + 8);
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>benchmarks/SftpKit.LoadTest/bin/CONFIG/TFM/SftpKit.LoadTest.dll for this test assembly's CONFIG and TFM.</summary>
    internal static string ToolDll() => ProcessRunner.BuiltAssembly("benchmarks/SftpKit.LoadTest", "SftpKit.LoadTest");

    internal static string DotnetHost() => ProcessRunner.DotnetHost();
}
