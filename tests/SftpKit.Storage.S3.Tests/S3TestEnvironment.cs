using System.Diagnostics;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.Storage.S3;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// The S3 API server the tests run against, on loopback: the one scripts/test.sh started
/// (<c>SFTPKIT_TEST_S3_ENDPOINT</c>, of the kind <c>SFTPKIT_TEST_S3_SERVER</c> names: <c>fauxqs</c>, its default, or
/// <c>s3rver</c>), else one started here from the tool directory test.sh installs into (<c>SFTPKIT_TOOLS</c>, default
/// <c>~/.cache/sftpkit-tools</c>): fauxqs when installed, else s3rver. Only s3rver gets its header rewrite and emulated
/// calls (<see cref="S3rverCompatibilityHttpClientFactory"/>); fauxqs is spoken to as S3, its requests only observed. When <c>SFTPKIT_TEST_S3_REAL_ENDPOINT</c> is set
/// (with <c>_REAL_BUCKET</c>, <c>_REAL_REGION</c>, <c>_REAL_ACCESS_KEY</c>, <c>_REAL_SECRET_KEY</c>), the same tests run
/// against that service, in an existing bucket, under a prefix removed at the end.
/// </summary>
public sealed class S3TestEnvironment : IAsyncLifetime
{
    private Process? _s3rver;
    private string? _dataDirectory;

    public string Endpoint { get; private set; } = "";

    public string Bucket { get; private set; } = "sftpkit-tests";

    public string Region { get; private set; } = "us-east-1";

    public bool IsRealService { get; private set; }

    /// <summary>The kind of local server in use: "fauxqs" or "s3rver" (null against a real service).</summary>
    public static string? LocalServer { get; } = ChooseLocalServer();

    /// <summary>True when the server is s3rver 3.7.1, which needs the harness's rewrites.</summary>
    public static bool IsS3rver => LocalServer == "s3rver";

    /// <summary>
    /// The HTTP client factory every S3 client of the tests uses: s3rver's compatibility rewrites, the observe-only
    /// recorder for fauxqs (no request is changed), none against a real service.
    /// </summary>
    public static Amazon.Runtime.HttpClientFactory? HttpClientFactory => LocalServer switch
    {
        "s3rver" => S3rverCompatibilityHttpClientFactory.Instance,
        "fauxqs" => S3rverCompatibilityHttpClientFactory.ObserveOnly,
        _ => null,
    };

    /// <summary>aws-chunked uploads: s3rver stores chunk signatures as object bytes; fauxqs and S3 decode them.</summary>
    public static bool ChunkEncoding => !IsS3rver;

    /// <summary>Everything this run writes lives under this prefix (so a real bucket is shared safely).</summary>
    public string RunPrefix { get; } = "run-" + Guid.NewGuid().ToString("N")[..10] + "/";

    public AmazonS3Client Client { get; private set; } = null!;

    private string _accessKey = "S3RVER";
    private string _secretKey = "S3RVER";

    public async ValueTask InitializeAsync()
    {
        string? real = Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_REAL_ENDPOINT");
        if (!string.IsNullOrEmpty(real))
        {
            IsRealService = true;
            Endpoint = real;
            Bucket = Required("SFTPKIT_TEST_S3_REAL_BUCKET");
            Region = Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_REAL_REGION") ?? "us-east-1";
            _accessKey = Required("SFTPKIT_TEST_S3_REAL_ACCESS_KEY");
            _secretKey = Required("SFTPKIT_TEST_S3_REAL_SECRET_KEY");
        }
        else
        {
            Endpoint = Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_ENDPOINT") ?? await StartLocalServerAsync();
        }
        Client = new AmazonS3Client(new BasicAWSCredentials(_accessKey, _secretKey), ClientConfig());
        if (!IsRealService)
        {
            try
            {
                await Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
            }
        }
    }

    /// <summary>Options for a file system confined to <paramref name="prefix"/> (under <see cref="RunPrefix"/>).</summary>
    public S3FileSystemOptions Options(string prefix) => new()
    {
        Bucket = Bucket,
        Endpoint = Endpoint,
        Region = Region,
        AccessKeyId = _accessKey,
        SecretAccessKey = _secretKey,
        ForcePathStyle = true,
        KeyPrefix = RunPrefix + prefix,
        UseChunkEncoding = ChunkEncoding,
        HttpClientFactory = HttpClientFactory,
    };

    /// <summary>Account settings naming this server (the key prefix goes in the account's Root).</summary>
    public Dictionary<string, string> Settings() => new(StringComparer.Ordinal)
    {
        ["Bucket"] = Bucket,
        ["Endpoint"] = Endpoint,
        ["Region"] = Region,
        ["AccessKeyId"] = _accessKey,
        ["SecretAccessKey"] = _secretKey,
        ["ForcePathStyle"] = "true",
        ["KeyPrefix"] = RunPrefix,
        ["UseChunkEncoding"] = ChunkEncoding ? "true" : "false",
    };

    public static string NewPrefix(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8] + "/";

    /// <summary>Every key under <paramref name="prefix"/> (relative to <see cref="RunPrefix"/>).</summary>
    public async Task<List<S3Object>> ListAllAsync(string prefix)
    {
        var all = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = RunPrefix + prefix };
        while (true)
        {
            var page = await Client.ListObjectsV2Async(request);
            all.AddRange(page.S3Objects ?? []);
            if (page.IsTruncated != true)
            {
                return all;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<byte[]> GetAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, RunPrefix + key);
        var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return memory.ToArray();
    }

    /// <summary>The object's bytes, or null while there is none.</summary>
    public async Task<byte[]?> TryGetAsync(string key)
    {
        try
        {
            return await GetAsync(key);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task PutAsync(string key, byte[] content) => Client.PutObjectAsync(new PutObjectRequest
    {
        BucketName = Bucket,
        Key = RunPrefix + key,
        InputStream = new MemoryStream(content),
        UseChunkEncoding = ChunkEncoding,
    });

    /// <summary>
    /// UploadPartCopy requests for keys under <paramref name="prefix"/>, as seen by the harness; null against a
    /// real service (which performs them itself, unobserved).
    /// </summary>
    public int? PartCopies(string prefix) => (HttpClientFactory as S3rverCompatibilityHttpClientFactory)?.PartCopiesUnder(RunPrefix + prefix);

    /// <summary>Keys of multipart uploads under <paramref name="prefix"/> neither completed nor aborted.</summary>
    public async Task<List<string>> PendingUploadsAsync(string prefix)
    {
        if (HttpClientFactory is S3rverCompatibilityHttpClientFactory observed)
        {
            // Neither s3rver nor fauxqs has ListMultipartUploads: the uploads seen on the wire stand in for it.
            return observed.Pending.Values.Where(k => k.StartsWith(RunPrefix + prefix, StringComparison.Ordinal)).ToList();
        }
        var response = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = RunPrefix + prefix });
        return (response.MultipartUploads ?? []).Select(u => u.Key).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRealService && Client is not null)
        {
            foreach (var item in await ListAllAsync(""))
            {
                await Client.DeleteObjectAsync(Bucket, item.Key);
            }
            var uploads = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = RunPrefix });
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await Client.AbortMultipartUploadAsync(Bucket, upload.Key, upload.UploadId);
            }
        }
        Client?.Dispose();
        if (_s3rver is not null)
        {
            _s3rver.Kill(entireProcessTree: true);
            await _s3rver.WaitForExitAsync();
            _s3rver.Dispose();
        }
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private AmazonS3Config ClientConfig() => new()
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = Region,
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        HttpClientFactory = HttpClientFactory,
    };

    private static string? ChooseLocalServer()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_REAL_ENDPOINT")))
        {
            return null;
        }
        string? named = Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_SERVER");
        if (!string.IsNullOrEmpty(named))
        {
            return named is "s3rver" or "fauxqs" ? named : throw new InvalidOperationException($"SFTPKIT_TEST_S3_SERVER must be fauxqs or s3rver, not '{named}'.");
        }
        // An endpoint without a kind is the s3rver older test scripts started; without an endpoint, the one installed.
        return Environment.GetEnvironmentVariable("SFTPKIT_TEST_S3_ENDPOINT") is { Length: > 0 } || FauxqsProcess.Find() is null ? "s3rver" : "fauxqs";
    }

    private async Task<string> StartLocalServerAsync()
    {
        int port = S3rverProcess.FreePort();
        _dataDirectory = Directory.CreateTempSubdirectory("sftpkit-s3-").FullName;
        if (!IsS3rver)
        {
            var fauxqs = FauxqsProcess.Find()
                ?? throw new InvalidOperationException("No fauxqs: set SFTPKIT_TEST_S3_ENDPOINT or run scripts/test.sh (installs it into $SFTPKIT_TOOLS/fauxqs).");
            _s3rver = await FauxqsProcess.StartAsync(fauxqs, _dataDirectory, port);
            return $"http://127.0.0.1:{port}";
        }
        string s3rver = S3rverProcess.Find()
            ?? throw new InvalidOperationException("No S3 server: set SFTPKIT_TEST_S3_ENDPOINT or run scripts/test.sh (installs s3rver into $SFTPKIT_TOOLS).");
        _s3rver = await S3rverProcess.StartAsync(s3rver, _dataDirectory, port);
        return $"http://127.0.0.1:{port}";
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} must be set with SFTPKIT_TEST_S3_REAL_ENDPOINT.");
}

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3TestEnvironment>
{
    public const string Name = "S3";
}

/// <summary>
/// Test harness only. <see cref="ObserveOnly"/> (for a server that behaves like S3 here, fauxqs) changes no request:
/// it records multipart uploads started/completed/aborted and UploadPartCopy requests from the wire (fauxqs has no
/// ListMultipartUploads) and answers 501 for a destination key containing <see cref="NoPartCopyMarker"/>.
/// <see cref="Instance"/> adds the workarounds for s3rver 3.7.1 quirks (the library keeps speaking plain S3):
/// it does not decode the <c>%2F</c> the SDK writes in <c>x-amz-copy-source</c>, so CopyObject fails — the header
/// is sent decoded (s3rver checks the signature against what it received); it has neither AbortMultipartUpload nor
/// ListMultipartUploads — every multipart upload the client starts, completes or aborts is recorded from the wire,
/// and an abort is answered here, so tests can still assert that nothing is left pending; it has no UploadPartCopy —
/// the harness performs one as a ranged GetObject plus UploadPart against s3rver and answers with the CopyPartResult
/// S3 sends, so the library's multipart-copy requests (source ranges, part numbers, completion) run end to end
/// (a real endpoint runs the real UploadPartCopy). A destination key containing <see cref="NoPartCopyMarker"/> gets
/// 501 Not Implemented instead, as from a service without UploadPartCopy.
/// </summary>
internal sealed class S3rverCompatibilityHttpClientFactory : HttpClientFactory
{
    public static readonly S3rverCompatibilityHttpClientFactory Instance = new(rewrite: true);

    /// <summary>Observes without rewriting: for fauxqs.</summary>
    public static readonly S3rverCompatibilityHttpClientFactory ObserveOnly = new(rewrite: false);

    private readonly HttpClient _client;
    private readonly bool _rewrite;

    private S3rverCompatibilityHttpClientFactory(bool rewrite)
    {
        _rewrite = rewrite;
        _client = new HttpClient(new Handler(this) { InnerHandler = new SocketsHttpHandler() });
    }

    /// <summary>Destination keys containing this are refused UploadPartCopy with 501.</summary>
    public const string NoPartCopyMarker = "no-part-copy";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AmazonS3Client> _backends = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _partCopies = new();

    /// <summary>UploadPartCopy requests the harness performed so far for destination keys under <paramref name="keyPrefix"/>.</summary>
    public int PartCopiesUnder(string keyPrefix) => _partCopies.Count(k => k.StartsWith(keyPrefix, StringComparison.Ordinal));

    /// <summary>Upload id → key, for uploads started and neither completed nor aborted.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> Pending { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => _rewrite ? "sftpkit-s3rver-compat" : "sftpkit-s3-observe";

    private static HttpResponseMessage NotImplemented(HttpRequestMessage request)
    {
        const string error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message></Error>";
        return new HttpResponseMessage(System.Net.HttpStatusCode.NotImplemented)
        {
            RequestMessage = request,
            Content = new StringContent(error, System.Text.Encoding.UTF8, "application/xml"),
        };
    }

    private async Task<HttpResponseMessage> CopyPartAsync(HttpRequestMessage request, string uploadId, int partNumber, string source, CancellationToken cancellationToken)
    {
        var (bucket, key) = SplitBucketKey(Uri.UnescapeDataString(request.RequestUri!.AbsolutePath));
        if (key.Contains(NoPartCopyMarker, StringComparison.Ordinal))
        {
            return NotImplemented(request);
        }
        var (sourceBucket, sourceKey) = SplitBucketKey(source);
        var backend = _backends.GetOrAdd(request.RequestUri.GetLeftPart(UriPartial.Authority), static endpoint => new AmazonS3Client(
            new BasicAWSCredentials("S3RVER", "S3RVER"),
            new AmazonS3Config
            {
                ServiceURL = endpoint,
                AuthenticationRegion = "us-east-1",
                ForcePathStyle = true,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            }));
        var get = new GetObjectRequest { BucketName = sourceBucket, Key = sourceKey };
        if (request.Headers.TryGetValues("x-amz-copy-source-range", out var ranges)
            && System.Text.RegularExpressions.Regex.Match(ranges.First(), "^bytes=([0-9]+)-([0-9]+)$") is { Success: true } range)
        {
            get.ByteRange = new ByteRange(long.Parse(range.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(range.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        var bytes = new MemoryStream();
        using (var response = await backend.GetObjectAsync(get, cancellationToken))
        {
            await response.ResponseStream.CopyToAsync(bytes, cancellationToken);
        }
        bytes.Position = 0;
        var part = await backend.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = bytes,
            UseChunkEncoding = false,
        }, cancellationToken);
        _partCopies.Enqueue(key);
        string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyPartResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + $"<LastModified>{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}</LastModified><ETag>{System.Net.WebUtility.HtmlEncode(part.ETag)}</ETag></CopyPartResult>";
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/xml"),
        };
    }

    /// <summary>"/bucket/key" or "bucket/key" (a copy source may carry "?versionId=", which is dropped).</summary>
    private static (string Bucket, string Key) SplitBucketKey(string path)
    {
        path = path.TrimStart('/');
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }
        int slash = path.IndexOf('/', StringComparison.Ordinal);
        return (path[..slash], path[(slash + 1)..]);
    }

    private sealed class Handler : DelegatingHandler
    {
        private readonly S3rverCompatibilityHttpClientFactory _owner;

        public Handler(S3rverCompatibilityHttpClientFactory owner) => _owner = owner;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var partQuery = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            if (request.Method == HttpMethod.Put && partQuery["uploadId"] is { } copyUploadId && partQuery["partNumber"] is { } partNumber
                && request.Headers.TryGetValues("x-amz-copy-source", out var copySources))
            {
                if (!_owner._rewrite)
                {
                    string destination = Uri.UnescapeDataString(request.RequestUri.AbsolutePath);
                    if (destination.Contains(NoPartCopyMarker, StringComparison.Ordinal))
                    {
                        return NotImplemented(request);
                    }
                    var copied = await base.SendAsync(request, cancellationToken);
                    if (copied.IsSuccessStatusCode)
                    {
                        _owner._partCopies.Enqueue(SplitBucketKey(destination).Key);
                    }
                    return copied;
                }
                return await _owner.CopyPartAsync(request, copyUploadId, int.Parse(partNumber, System.Globalization.CultureInfo.InvariantCulture),
                    Uri.UnescapeDataString(copySources.First()), cancellationToken);
            }
            if (_owner._rewrite && request.Headers.TryGetValues("x-amz-copy-source", out var values))
            {
                string value = values.First();
                request.Headers.Remove("x-amz-copy-source");
                request.Headers.TryAddWithoutValidation("x-amz-copy-source", value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));
            }
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            string? uploadId = query["uploadId"];
            if (request.Method == HttpMethod.Delete && uploadId is not null)
            {
                _owner.Pending.TryRemove(uploadId, out _);
                if (!_owner._rewrite)
                {
                    return await base.SendAsync(request, cancellationToken);
                }
                return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent) { RequestMessage = request, Content = new ByteArrayContent([]) };
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && response.IsSuccessStatusCode)
            {
                if (uploadId is not null)
                {
                    _owner.Pending.TryRemove(uploadId, out _);
                }
                else if (request.RequestUri.Query.Contains("uploads", StringComparison.Ordinal))
                {
                    string body = await response.Content.ReadAsStringAsync(cancellationToken);
                    var match = System.Text.RegularExpressions.Regex.Match(body, "<UploadId>([^<]+)</UploadId>");
                    var key = System.Text.RegularExpressions.Regex.Match(body, "<Key>([^<]+)</Key>");
                    _owner.Pending[match.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(key.Groups[1].Value);
                    var copy = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
                    foreach (var header in response.Content.Headers)
                    {
                        copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                    response.Content = copy;
                }
            }
            return response;
        }
    }
}
