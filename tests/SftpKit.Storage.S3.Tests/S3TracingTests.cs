using System.Collections.Concurrent;
using System.Diagnostics;

namespace SftpKit.Tests.Storage.S3;

/// <summary>An OpenSSH upload to S3-backed storage, traced by an in-process ActivityListener: connection → SFTP request → S3 call.</summary>
[Collection(S3Collection.Name)]
public sealed class S3TracingTests : IClassFixture<S3SftpServer>
{
    private readonly S3TestEnvironment _s3;
    private readonly S3SftpServer _server;

    public S3TracingTests(S3TestEnvironment s3, S3SftpServer server)
    {
        _s3 = s3;
        _server = server;
    }

    [Fact]
    public async Task Upload_trace_runs_from_the_connection_through_the_request_to_the_s3_call()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SftpKitActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        string user = "tracer" + Guid.NewGuid().ToString("N")[..6];
        string prefix = S3TestEnvironment.NewPrefix("tracer");
        await _server.AddAccountAsync(_s3, user, prefix);
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "traced.txt"), "a traced upload");

        var result = await _server.SftpBatchAsync(user, local, "put traced.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);

        // The connection's span ends last; wait for a complete chain.
        (Activity S3, Activity Request, Activity Connection)? chain = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); chain is null && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            chain = FindChain(spans.ToArray());
        }
        Assert.NotNull(chain);
        var (s3, request, connection) = chain.Value;
        Assert.Equal(ActivityKind.Client, s3.Kind);
        Assert.Equal("aws-api", s3.GetTagItem("rpc.system"));
        Assert.Equal(connection.TraceId, s3.TraceId);
        Assert.Equal(connection.TraceId, request.TraceId);
        Assert.StartsWith("sftp.", request.OperationName, StringComparison.Ordinal);
        Assert.True(s3.StartTimeUtc >= request.StartTimeUtc && s3.StartTimeUtc + s3.Duration <= request.StartTimeUtc + request.Duration);
    }

    /// <summary>An S3 PutObject (or multipart) span whose parent is an SFTP request span whose parent is a connection span.</summary>
    private static (Activity, Activity, Activity)? FindChain(Activity[] spans)
    {
        var byId = spans.ToDictionary(s => s.SpanId);
        foreach (var s3 in spans.Where(s => s.OperationName is "s3.PutObject" or "s3.CompleteMultipartUpload"))
        {
            if (byId.TryGetValue(s3.ParentSpanId, out var request) && request.OperationName.StartsWith("sftp.", StringComparison.Ordinal)
                && byId.TryGetValue(request.ParentSpanId, out var connection) && connection.OperationName == "sftpkit.connection")
            {
                return (s3, request, connection);
            }
        }
        return null;
    }
}
