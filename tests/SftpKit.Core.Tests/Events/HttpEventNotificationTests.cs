using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

public class HttpEventNotificationTests
{
    private static ISftpEventDispatcher Build(ServiceProvider provider) => provider.GetRequiredService<ISftpEventDispatcher>();

    private static ServiceProvider Services(Action<HttpEventNotificationOptions> configure, Action<SftpEventOptions>? events = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddSftpServer().AddHttpEventNotification(configure);
        if (events is not null)
        {
            builder.ConfigureEvents(events);
        }
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task PostEvent_IsPostedAsJson_WithHeaders()
    {
        await using var server = new LoopbackHttpServer(_ => 204);
        await using var provider = Services(o =>
        {
            o.Url = server.Url;
            o.Headers["Authorization"] = "Bearer t0ken";
        });
        var e = Upload("/in/ä b.csv") with
        {
            Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Properties = new Dictionary<string, string> { ["tenant"] = "acme" },
        };
        Build(provider).RaisePost(e);

        var request = await server.NextAsync();
        Assert.Equal("POST /hooks/sftp?x=1 HTTP/1.1", request.RequestLine);
        Assert.Equal("Bearer t0ken", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("upload", request.Field("action"));
        Assert.Equal("post", request.Field("phase"));
        Assert.Equal("SFTP", request.Field("protocol"));
        Assert.Equal("alice", request.Field("username"));
        Assert.Equal("/in/ä b.csv", request.Field("path"));
        Assert.Null(request.Field("target_path"));
        Assert.Equal(1234, request.Body.GetProperty("size").GetInt64());
        Assert.Equal(1500, request.Body.GetProperty("elapsed_ms").GetInt64());
        Assert.Equal("ok", request.Field("status"));
        Assert.Equal("127.0.0.1:50022", request.Field("remote_address"));
        Assert.Equal("c-1", request.Field("connection_id"));
        Assert.Equal("0", request.Field("session_id"));
        Assert.Equal("2026-01-02T03:04:05.0000000+00:00", request.Field("timestamp"));
        Assert.Equal("acme", request.Body.GetProperty("properties").GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(204, true)]
    [InlineData(302, false)]
    [InlineData(403, false)]
    [InlineData(500, false)]
    public async Task PreEvent_Non2xxDenies(int status, bool allowed)
    {
        await using var server = new LoopbackHttpServer(_ => status);
        await using var provider = Services(o => { o.Url = server.Url; o.PreEvents = true; });
        var decision = await Build(provider).RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.Equal(allowed, decision.IsAllowed);
        Assert.Equal("pre", (await server.NextAsync()).Field("phase"));
    }

    [Fact]
    public async Task PreEvent_NoAnswer_TimesOutAndDenies()
    {
        await using var server = new LoopbackHttpServer(_ => null);
        await using var provider = Services(o => { o.Url = server.Url; o.PreEvents = true; o.Timeout = TimeSpan.FromMilliseconds(300); });
        var decision = await Build(provider).RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public async Task PreEvent_NothingListening_FailureDenies()
    {
        Uri url;
        await using (var closed = new LoopbackHttpServer(_ => 200))
        {
            url = closed.Url;
        }
        await using var provider = Services(o => { o.Url = url; o.PreEvents = true; });
        var decision = await Build(provider).RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public async Task KindFilter_AndPhases_AreHonoured()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var provider = Services(o => { o.Url = server.Url; o.Kinds.Add(SftpEventKind.Delete); });
        var dispatcher = Build(provider);
        // Pre-events are off by default: the action is left out of them, so the answer is ready at once.
        var pre = dispatcher.RaisePreAsync(Upload() with { Kind = SftpEventKind.Delete }, default);
        Assert.True(pre.IsCompletedSuccessfully);
        Assert.True((await pre).IsAllowed);
        dispatcher.RaisePost(Upload("/skipped"));
        dispatcher.RaisePost(Upload("/gone") with { Kind = SftpEventKind.Delete, Size = null, Elapsed = null });
        // One worker delivers in order, so the first request seen proves the upload was filtered out.
        var request = await server.NextAsync();
        Assert.Equal("delete", request.Field("action"));
        Assert.Equal("/gone", request.Field("path"));
        Assert.Null(request.Field("size"));
        Assert.Null(request.Field("elapsed_ms"));
        Assert.False(server.TryNext(out _));
    }

    [Theory]
    [InlineData("ftp://example.invalid/")]
    [InlineData(null)]
    public void InvalidOptions_ThrowAtRegistration(string? url)
    {
        var builder = new ServiceCollection().AddSftpServer();
        var error = Assert.Throws<ArgumentException>(() => builder.AddHttpEventNotification(o =>
        {
            o.Url = url is null ? null : new Uri(url);
            o.Timeout = TimeSpan.Zero;
        }));
        Assert.Contains("Url", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", error.Message, StringComparison.Ordinal);
    }
}
