using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

public sealed class CommandEventActionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sftpkit-events-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static ServiceProvider Services(Action<CommandEventActionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddCommandEventAction(configure);
        return services.BuildServiceProvider();
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!File.Exists(path))
        {
            await Task.Delay(20, timeout.Token);
        }
        return await File.ReadAllTextAsync(path);
    }

    private static Dictionary<string, string> ParseEnv(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    // Writes its environment atomically (temp file + rename) so the test never reads half a file.
    private string EnvDumpScript() => Script("dump-env.sh", "env > \"$OUT.tmp\" && mv \"$OUT.tmp\" \"$OUT\"");

    [Fact]
    public async Task PostEvent_RunsScript_WithEventInEnvironment_AndNothingElseInherited()
    {
        Environment.SetEnvironmentVariable("SFTPKIT_TEST_SERVER_SECRET", "do-not-leak");
        string output = Path.Combine(_dir, "env.txt");
        string script = EnvDumpScript();
        await using var provider = Services(o =>
        {
            o.FileName = script;
            o.Environment["OUT"] = output;
        });
        provider.GetRequiredService<ISftpEventDispatcher>().RaisePost(Upload("/in/a file;$(rm -rf x).csv") with
        {
            Kind = SftpEventKind.Rename,
            TargetPath = "/done/b.csv",
            Status = SftpEventStatus.Failed,
            Error = "no such file",
        });

        var env = ParseEnv(await WaitForFileAsync(output));
        Assert.Equal("rename", env["SFTPKIT_ACTION"]);
        Assert.Equal("post", env["SFTPKIT_PHASE"]);
        Assert.Equal("alice", env["SFTPKIT_USERNAME"]);
        Assert.Equal("/in/a file;$(rm -rf x).csv", env["SFTPKIT_PATH"]);
        Assert.Equal("/done/b.csv", env["SFTPKIT_TARGET_PATH"]);
        Assert.Equal("1234", env["SFTPKIT_SIZE"]);
        Assert.Equal("failed", env["SFTPKIT_STATUS"]);
        Assert.Equal("no such file", env["SFTPKIT_ERROR"]);
        Assert.Equal("SFTP", env["SFTPKIT_PROTOCOL"]);
        Assert.Equal("127.0.0.1:50022", env["SFTPKIT_REMOTE_ADDRESS"]);
        Assert.Equal("c-1", env["SFTPKIT_CONNECTION_ID"]);
        Assert.Equal("0", env["SFTPKIT_SESSION_ID"]);
        Assert.Equal("1500", env["SFTPKIT_ELAPSED_MS"]);
        Assert.True(DateTimeOffset.TryParse(env["SFTPKIT_TIMESTAMP"], out _));
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
        Assert.False(env.ContainsKey("SFTPKIT_TEST_SERVER_SECRET"));
    }

    [Fact]
    public async Task InheritEnvironment_PassesServerEnvironment()
    {
        Environment.SetEnvironmentVariable("SFTPKIT_TEST_INHERITED", "yes");
        string output = Path.Combine(_dir, "env.txt");
        string script = EnvDumpScript();
        await using var provider = Services(o =>
        {
            o.FileName = script;
            o.InheritEnvironment = true;
            o.PreEvents = true;
            o.PostEvents = false;
            o.Environment["OUT"] = output;
        });
        var decision = await provider.GetRequiredService<ISftpEventDispatcher>().RaisePreAsync(
            Upload() with { Size = null, Elapsed = null }, default).AsTask().WaitAsync(Patience);
        Assert.True(decision.IsAllowed);
        var env = ParseEnv(await File.ReadAllTextAsync(output));
        Assert.Equal("yes", env["SFTPKIT_TEST_INHERITED"]);
        Assert.Equal("pre", env["SFTPKIT_PHASE"]);
        Assert.Equal("", env["SFTPKIT_SIZE"]);
        Assert.Equal("", env["SFTPKIT_ELAPSED_MS"]);
    }

    [Theory]
    [InlineData("/allowed", true)]
    [InlineData("/refused", false)]
    public async Task PreEvent_NonZeroExitDenies(string path, bool allowed)
    {
        string script = Script("gate.sh", "[ \"$SFTPKIT_PATH\" = /allowed ] && exit 0\nexit 3");
        await using var provider = Services(o => { o.FileName = script; o.PreEvents = true; });
        var decision = await provider.GetRequiredService<ISftpEventDispatcher>().RaisePreAsync(Upload(path), default).AsTask().WaitAsync(Patience);
        Assert.Equal(allowed, decision.IsAllowed);
        if (!allowed)
        {
            Assert.Equal("event command exited with 3", decision.Message);
        }
    }

    [Fact]
    public async Task PreEvent_Timeout_KillsProcessTree_AndDenies()
    {
        string pids = Path.Combine(_dir, "pids");
        string script = Script("hang.sh", $"sleep 300 &\necho \"$$ $!\" > '{pids}.tmp' && mv '{pids}.tmp' '{pids}'\nwait");
        await using var provider = Services(o => { o.FileName = script; o.PreEvents = true; o.Timeout = TimeSpan.FromSeconds(2); });
        var decision = await provider.GetRequiredService<ISftpEventDispatcher>().RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.False(decision.IsAllowed);

        int[] both = (await File.ReadAllTextAsync(pids)).Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        using var timeout = new CancellationTokenSource(Patience);
        foreach (int pid in both)
        {
            while (IsRunning(pid))
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    // Gone, or a zombie waiting to be reaped, counts as not running.
    private static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task PreEvent_MissingExecutable_IsAFailure_ThatDenies()
    {
        await using var provider = Services(o => { o.FileName = Path.Combine(_dir, "missing"); o.PreEvents = true; });
        var decision = await provider.GetRequiredService<ISftpEventDispatcher>().RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.False(decision.IsAllowed);
        Assert.Equal("event handler failed", decision.Message);
    }

    [Fact]
    public void InvalidOptions_ThrowAtRegistration()
    {
        var builder = new ServiceCollection().AddSftpServer();
        var error = Assert.Throws<ArgumentException>(() => builder.AddCommandEventAction(o => o.PostEvents = false));
        Assert.Contains("FileName", error.Message, StringComparison.Ordinal);
        Assert.Contains("never run", error.Message, StringComparison.Ordinal);
    }
}
