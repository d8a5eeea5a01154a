using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using SftpKit.Events;
using SftpKit.Testing;
using static SftpKit.Tests.Events.ConnectionEventClient;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

/// <summary>
/// The Connect event of real connections: one per connection through an HTTP action, and a pre-event whose deny ends
/// the connection before authentication, whether a handler, a command action or an HTTP action says no.
/// </summary>
public sealed class ConnectEventTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sftpkit-connect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task HttpAction_ForConnect_GetsExactlyOneCallPerConnection()
    {
        await using var hooks = new LoopbackHttpServer(_ => 204);
        var recorder = new ConnectionEventRecorder();
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b => b
            .AddHttpEventNotification(o => { o.Url = hooks.Url; o.Kinds.Add(SftpEventKind.Connect); })
            .AddEventHandler(recorder));

        await ListHomeAsync(server);
        await LogInAsync(server);
        await ListHomeAsync(server);

        var calls = new List<ReceivedRequest>();
        for (int i = 0; i < 3; i++)
        {
            calls.Add(await hooks.NextAsync());
        }
        // One worker hands each post-event to the handlers in order, the recorder after the HTTP action: once the
        // recorder has seen the three Disconnects, the action has been offered every event of these connections.
        var disconnects = await recorder.WaitForAsync(SftpEventKind.Disconnect, 3);
        Assert.False(hooks.TryNext(out var extra), $"an extra call arrived: {extra?.Body}");

        Assert.All(calls, call =>
        {
            Assert.Equal("connect", call.Field("action"));
            Assert.Equal("post", call.Field("phase"));
            Assert.Equal("SSH", call.Field("protocol"));
            Assert.Equal("ok", call.Field("status"));
            Assert.Null(call.Field("username"));
            Assert.Null(call.Field("bytes_received"));
            Assert.Equal("127.0.0.1", call.Field("remote_address"));
        });
        var connectionIds = calls.Select(c => c.Field("connection_id")).ToList();
        Assert.Equal(3, connectionIds.Distinct().Count());
        Assert.Equal(connectionIds.Order(), disconnects.Select(d => d.ConnectionId).Order());
    }

    [Fact]
    public async Task RefusingHandler_EndsTheConnection_BeforeAuthentication()
    {
        var refuse = new RefuseConnectHandler();
        var authenticator = new CountingAuthenticator(User, Password);
        var recorder = new ConnectionEventRecorder();
        var logs = new CapturingLoggerProvider();
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b =>
        {
            // A host's own authenticator, registered after the test host's: the server uses it.
            b.Services.AddSingleton<ISshAuthenticator>(authenticator);
            // AddSftpServer registers a null logger factory only when none is there; this one replaces it.
            b.Services.AddSingleton(LoggerFactory.Create(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));
            b.AddEventHandler(refuse).AddEventHandler(recorder);
        });

        var refused = await Assert.ThrowsAsync<SshConnectionException>(() => LogInAsync(server));
        Assert.Equal(DisconnectReason.HostNotAllowedToConnect, refused.DisconnectReason);
        // A raw client sees our version line, a clear-text DISCONNECT, then the end of the stream.
        string wire = await RawExchangeAsync(server, "SSH-2.0-probe\r\n"u8.ToArray());
        Assert.StartsWith("SSH-2.0-", wire, StringComparison.Ordinal);
        Assert.Contains("Connection refused.", wire, StringComparison.Ordinal);

        Assert.Equal(0, authenticator.Calls);
        Assert.Equal(2, refuse.Asked);
        var connects = await recorder.WaitForAsync(SftpEventKind.Connect, 2);
        Assert.All(connects, e => Assert.Equal(SftpEventStatus.Denied, e.Status));
        var disconnects = await recorder.WaitForAsync(SftpEventKind.Disconnect, 2);
        Assert.All(disconnects, e =>
        {
            Assert.Equal(SftpEventStatus.Denied, e.Status);
            Assert.Null(e.UserName);
        });
        var log = await logs.WaitForAsync(r => r.EventId.Id == 1082);
        Assert.Equal("ConnectionRefusedByEventHandler", log.EventId.Name);
        await logs.WaitForAsync(r => r.EventId.Id == 4010 && r.Message.Contains("not on the allow list", StringComparison.Ordinal));

        // Once the handler allows connections, the same server logs the user in through the same authenticator.
        refuse.Refusing = false;
        await LogInAsync(server);
        Assert.True(authenticator.Calls > 0);
        var allowed = await recorder.WaitForAsync(SftpEventKind.Disconnect, 3);
        Assert.Contains(allowed, e => e.Status == SftpEventStatus.Ok && e.UserName == User);
    }

    [Fact]
    public async Task CommandAction_ExitingNonZero_RefusesTheConnection_BeforeAuthentication()
    {
        string output = Path.Combine(_dir, "env.txt");
        string script = EventScripts.Write(_dir, "gate.sh", EventScripts.DumpEnvironment + "\nexit 3");
        var authenticator = new CountingAuthenticator(User, Password);
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b =>
        {
            b.Services.AddSingleton<ISshAuthenticator>(authenticator);
            b.AddCommandEventAction(o =>
            {
                o.FileName = script;
                o.Kinds.Add(SftpEventKind.Connect);
                o.PreEvents = true;
                o.PostEvents = false;
                o.Environment["OUT"] = output;
            });
        });

        var refused = await Assert.ThrowsAsync<SshConnectionException>(() => LogInAsync(server));
        Assert.Equal(DisconnectReason.HostNotAllowedToConnect, refused.DisconnectReason);
        Assert.Equal(0, authenticator.Calls);

        var env = await EventScripts.WaitForEnvironmentAsync(output);
        Assert.Equal("connect", env["SFTPKIT_ACTION"]);
        Assert.Equal("pre", env["SFTPKIT_PHASE"]);
        Assert.Equal("", env["SFTPKIT_USERNAME"]);
        Assert.Equal("127.0.0.1", env["SFTPKIT_REMOTE_ADDRESS"]);
        Assert.NotEqual("", env["SFTPKIT_CONNECTION_ID"]);
    }

    [Fact]
    public async Task HttpAction_AsPreAction_Non2xxRefusesTheConnection_BeforeAuthentication()
    {
        await using var hooks = new LoopbackHttpServer(_ => 403);
        var authenticator = new CountingAuthenticator(User, Password);
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b =>
        {
            b.Services.AddSingleton<ISshAuthenticator>(authenticator);
            b.AddHttpEventNotification(o =>
            {
                o.Url = hooks.Url;
                o.Kinds.Add(SftpEventKind.Connect);
                o.PreEvents = true;
                o.PostEvents = false;
            });
        });

        var refused = await Assert.ThrowsAsync<SshConnectionException>(() => LogInAsync(server));
        Assert.Equal(DisconnectReason.HostNotAllowedToConnect, refused.DisconnectReason);
        Assert.Equal(0, authenticator.Calls);
        var call = await hooks.NextAsync();
        Assert.Equal("connect", call.Field("action"));
        Assert.Equal("pre", call.Field("phase"));
        Assert.Null(call.Field("username"));
    }

    [Fact]
    public async Task ServerStop_WhileConnectIsAsked_ClosesTheConnection_WithoutABanner()
    {
        var waiting = new WaitingConnectHandler();
        var server = await SftpTestHost.StartAsync(Users, configureServer: b => b
            .ConfigureEvents(o => o.PreEventTimeout = TimeSpan.FromMinutes(10))
            .AddEventHandler(waiting));
        try
        {
            var client = RawExchangeAsync(server, []);
            await waiting.Asked.WaitAsync(Patience);
            await server.DisposeAsync().AsTask().WaitAsync(Patience);
            Assert.Equal("", await client);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void Actions_SubscribeToConnectionEvents_ByName_FromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Url"] = "http://127.0.0.1:9/hook",
            ["FileName"] = "/usr/local/bin/on-connect",
            ["Kinds:0"] = "connect",
            ["Kinds:1"] = "Disconnect",
            ["PreEvents"] = "true",
        }).Build();
        var http = new HttpEventNotificationOptions();
        configuration.Bind(http);
        var command = new CommandEventActionOptions();
        configuration.Bind(command);

        Assert.Equal([SftpEventKind.Connect, SftpEventKind.Disconnect], http.Kinds.Order());
        Assert.Equal([SftpEventKind.Connect, SftpEventKind.Disconnect], command.Kinds.Order());
        Assert.True(http.PreEvents);
        Assert.True(command.PreEvents);
        // The builder accepts them as configured (this is how the sample registers its actions).
        var builder = new ServiceCollection().AddSftpServer();
        builder.AddHttpEventNotification(o => configuration.Bind(o)).AddCommandEventAction(o => configuration.Bind(o));
    }

    /// <summary>Holds every Connect pre-event until its token fires.</summary>
    private sealed class WaitingConnectHandler : ISftpEventHandler
    {
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Asked => _asked.Task;

        public async ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            if (sftpEvent.Kind == SftpEventKind.Connect)
            {
                _asked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return SftpEventDecision.Allow;
        }
    }
}
