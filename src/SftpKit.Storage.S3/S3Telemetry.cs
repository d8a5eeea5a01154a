using System.Diagnostics;

namespace SftpKit.Storage.S3;

/// <summary>
/// The S3 calls' spans, on SftpKit's one source (<see cref="SftpKitActivitySource.Name"/>): <c>s3.&lt;operation&gt;</c>
/// (client kind; e.g. <c>s3.PutObject</c>, <c>s3.UploadPart</c>) with the tags <c>rpc.system</c> = <c>aws-api</c>,
/// <c>rpc.service</c> = <c>S3</c> and <c>rpc.method</c>; under the SFTP request that made the call. No bucket or key is
/// tagged. Nothing is made when nobody listens.
/// </summary>
internal static class S3Telemetry
{
    private static readonly ActivitySource Source = new(SftpKitActivitySource.Name, typeof(S3Telemetry).Assembly.GetName().Version?.ToString());

    public static Activity? Start(string operation)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var span = Source.StartActivity("s3." + operation, ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag("rpc.system", "aws-api");
            span.SetTag("rpc.service", "S3");
            span.SetTag("rpc.method", operation);
        }
        return span;
    }
}
