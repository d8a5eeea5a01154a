using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Events.Rules;
using SftpKit.Tests.Policies;
using static SftpKit.Tests.Events.Rules.RuleTestSupport;

namespace SftpKit.Tests.Events.Rules;

/// <summary>Rules on a real server, driven by uploads over SFTP.</summary>
public sealed class EventRuleSftpTests : IAsyncLifetime
{
    private readonly AccountTestServer _server = new()
    {
        ConfigureServer = b => b.AddEventRules(o =>
        {
            o.Concurrency = 1;
            o.AllowedCommands.Add("/bin/false");
        }),
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Task UploadAsync(string user, params string[] paths) => Task.Run(() =>
    {
        using var client = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        foreach (var path in paths)
        {
            using var content = new MemoryStream(new byte[256]);
            client.UploadFile(content, path);
        }
    }).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task PathCondition_SkipsUploadsElsewhere()
    {
        var account = await _server.AddAccountAsync("glob");
        Directory.CreateDirectory(Path.Combine(account.HomeDirectory!, "in", "sub"));
        Directory.CreateDirectory(Path.Combine(account.HomeDirectory!, "other"));
        await using var hook = new LoopbackHttpServer(_ => 200);
        await AddAsync(_server.Services,
            new SftpEventRule
            {
                Name = "inbox",
                Conditions = new() { FsEvents = ["upload"], FsPaths = [new SftpEventPattern { Pattern = "/in/**" }] },
                Actions = [Use("hook", 1)],
            },
            Http("hook", hook.Url));

        await UploadAsync("glob", "/other/b.bin", "/in/sub/a.bin");

        var request = await hook.NextAsync();
        Assert.Equal("/in/sub/a.bin", request.Field("path"));
        Assert.Equal("upload", request.Field("event"));
        Assert.Equal("glob", request.Field("name"));
        var run = Assert.Single(await WaitForRunsAsync(_server.Services, "inbox"));
        Assert.Equal("/in/sub/a.bin", run.Path);
        Assert.False(hook.TryNext(out _));
    }

    [Fact]
    public async Task FailingSyncPreUploadAction_DeniesTheUpload()
    {
        var account = await _server.AddAccountAsync("gated");
        Directory.CreateDirectory(Path.Combine(account.HomeDirectory!, "locked"));
        Directory.CreateDirectory(Path.Combine(account.HomeDirectory!, "open"));
        await AddAsync(_server.Services,
            new SftpEventRule
            {
                Name = "gate",
                Conditions = new() { FsEvents = ["pre-upload"], FsPaths = [new SftpEventPattern { Pattern = "/locked/*" }] },
                Actions = [Use("check", 1, sync: true)],
            },
            Command("check", "/bin/false"));

        await Assert.ThrowsAsync<SftpPermissionDeniedException>(() => UploadAsync("gated", "/locked/x.bin"));
        await UploadAsync("gated", "/open/x.bin");

        Assert.False(File.Exists(Path.Combine(account.HomeDirectory!, "locked", "x.bin")));
        Assert.True(File.Exists(Path.Combine(account.HomeDirectory!, "open", "x.bin")));
        var run = Assert.Single(await RunsAsync(_server.Services, "gate"));
        Assert.Equal(SftpEventRunStatus.Failed, run.Status);
        Assert.Equal("gated", run.UserName);
    }
}
