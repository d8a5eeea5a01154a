using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Events;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

public class SftpEventLogHandlerTests
{
    private static (ServiceProvider Provider, CapturingLoggerProvider Capture) Build()
    {
        var capture = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Debug));
        services.AddSftpServer();
        return (services.BuildServiceProvider(), capture);
    }

    [Theory]
    [InlineData(SftpEventKind.Upload, "upload")]
    [InlineData(SftpEventKind.Download, "download")]
    public async Task Transfer_IsLogged_WithStructuredFields(SftpEventKind kind, string action)
    {
        var (provider, capture) = Build();
        await using var _ = provider;
        provider.GetRequiredService<ISftpEventDispatcher>().RaisePost(Upload("/in/report.csv") with { Kind = kind });

        var log = await capture.WaitForAsync(r => r.EventId.Id == 4000);
        Assert.Equal("SftpKit.Events", log.Category);
        Assert.Equal("Transfer", log.EventId.Name);
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal(1500L, log.Properties["elapsed_ms"]);
        Assert.Equal(1234L, log.Properties["size_bytes"]);
        Assert.Equal("alice", log.Properties["username"]);
        Assert.Equal("/in/report.csv", log.Properties["file_path"]);
        Assert.Equal("c-1", log.Properties["connection_id"]);
        Assert.Equal("SFTP", log.Properties["protocol"]);
        Assert.Equal(action, log.Properties["action"]);
        Assert.Equal("ok", log.Properties["status"]);
        Assert.Contains(action, log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_IsWrittenOnTheRaisingThread_BeforeRaisePostReturns()
    {
        // The log handler runs inline: no queue, no worker, no thread-pool hand-off per file operation.
        var (provider, capture) = Build();
        await using var _ = provider;
        int raisingThread = Environment.CurrentManagedThreadId;
        int? loggingThread = null;
        capture.OnRecord = _ => loggingThread ??= Environment.CurrentManagedThreadId;

        provider.GetRequiredService<ISftpEventDispatcher>().RaisePost(Upload("/in/now.csv"));

        var record = Assert.Single(capture.Records, r => r.EventId.Id == 4000);
        Assert.Equal("/in/now.csv", record.Properties["file_path"]);
        Assert.Equal(raisingThread, loggingThread);
    }

    [Theory]
    [InlineData(SftpEventKind.Rename, "rename")]
    [InlineData(SftpEventKind.Delete, "delete")]
    [InlineData(SftpEventKind.Mkdir, "mkdir")]
    [InlineData(SftpEventKind.Rmdir, "rmdir")]
    [InlineData(SftpEventKind.Symlink, "symlink")]
    [InlineData(SftpEventKind.Chmod, "chmod")]
    [InlineData(SftpEventKind.Chown, "chown")]
    [InlineData(SftpEventKind.Chtimes, "chtimes")]
    [InlineData(SftpEventKind.Truncate, "truncate")]
    [InlineData(SftpEventKind.Copy, "copy")]
    [InlineData(SftpEventKind.SshCommand, "ssh_command")]
    public async Task Command_IsLogged_WithStructuredFields(SftpEventKind kind, string action)
    {
        var (provider, capture) = Build();
        await using var _ = provider;
        provider.GetRequiredService<ISftpEventDispatcher>().RaisePost(new SftpEvent
        {
            Kind = kind,
            Protocol = SftpEventProtocol.Ssh,
            UserName = "bob",
            Path = "/a",
            TargetPath = "/b",
            Status = SftpEventStatus.Denied,
            Error = "permission denied",
            ConnectionId = "c-9",
        });

        var log = await capture.WaitForAsync(r => r.EventId.Id == 4001);
        Assert.Equal("Command", log.EventId.Name);
        Assert.Equal(action, log.Properties["action"]);
        Assert.Equal("/a", log.Properties["file_path"]);
        Assert.Equal("/b", log.Properties["target_path"]);
        Assert.Equal("bob", log.Properties["username"]);
        Assert.Equal("denied", log.Properties["status"]);
        Assert.Equal("permission denied", log.Properties["error"]);
        Assert.Equal("c-9", log.Properties["connection_id"]);
        Assert.Equal("SSH", log.Properties["protocol"]);
        Assert.Null(log.Properties["elapsed_ms"]);
    }

    [Fact]
    public async Task LoginAndConnectionRecords_AreLogged()
    {
        var (provider, capture) = Build();
        await using var _ = provider;
        var dispatcher = provider.GetRequiredService<ISftpEventDispatcher>();
        var method = new Dictionary<string, string> { ["method"] = "publickey" };
        dispatcher.RaisePost(new SftpEvent { Kind = SftpEventKind.Login, Protocol = "SSH", UserName = "carol", RemoteAddress = "10.0.0.1", ConnectionId = "c-2", Properties = method });
        dispatcher.RaisePost(new SftpEvent { Kind = SftpEventKind.LoginFailed, Protocol = "SSH", UserName = "mallory", RemoteAddress = "10.0.0.2", Status = SftpEventStatus.Failed, Error = "invalid credentials", Properties = new Dictionary<string, string> { ["method"] = "password" } });
        dispatcher.RaisePost(new SftpEvent { Kind = SftpEventKind.Disconnect, Protocol = "SSH", RemoteAddress = "10.0.0.3", Status = SftpEventStatus.Failed, Error = "no authentication", Elapsed = TimeSpan.FromSeconds(2) });
        dispatcher.RaisePost(new SftpEvent { Kind = SftpEventKind.Connect, Protocol = "SSH", RemoteAddress = "10.0.0.4", ConnectionId = "c-4" });
        dispatcher.RaisePost(new SftpEvent { Kind = SftpEventKind.Disconnect, Protocol = "SSH", RemoteAddress = "10.0.0.4", UserName = "carol", ConnectionId = "c-4", Elapsed = TimeSpan.FromSeconds(9) });

        var login = await capture.WaitForAsync(r => r.EventId.Id == 4002);
        Assert.Equal("carol", login.Properties["username"]);
        Assert.Equal("publickey", login.Properties["login_method"]);
        Assert.Equal("10.0.0.1", login.Properties["remote_address"]);
        var failed = await capture.WaitForAsync(r => r.EventId.Id == 4003);
        Assert.Equal("mallory", failed.Properties["username"]);
        Assert.Equal("password", failed.Properties["login_method"]);
        Assert.Equal("invalid credentials", failed.Properties["error"]);
        var connectionFailed = await capture.WaitForAsync(r => r.EventId.Id == 4004);
        Assert.Equal("ConnectionFailed", connectionFailed.EventId.Name);
        Assert.Equal("10.0.0.3", connectionFailed.Properties["remote_address"]);
        Assert.Equal(2000L, connectionFailed.Properties["elapsed_ms"]);
        Assert.Equal("c-4", (await capture.WaitForAsync(r => r.EventId.Id == 4005)).Properties["connection_id"]);
        var closed = await capture.WaitForAsync(r => r.EventId.Id == 4006);
        Assert.Equal(9000L, closed.Properties["elapsed_ms"]);
        Assert.Equal(LogLevel.Debug, closed.Level);
    }
}
