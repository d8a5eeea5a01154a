using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.Storage.S3;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// A private s3rver serving HTTPS with a self-signed certificate made by openssl for this run: an endpoint whose
/// certificate is not trusted is refused unless <see cref="S3FileSystemOptions.SkipTlsVerify"/> is set, and
/// <see cref="S3FileSystemOptions.DisablePayloadSigning"/> (https only) uploads single and multipart objects intact.
/// </summary>
public sealed class S3TlsTests : IAsyncLifetime
{
    private const string Bucket = "sftpkit-tls";
    private readonly string _directory = Directory.CreateTempSubdirectory("sftpkit-s3tls-").FullName;
    private readonly int _port = S3rverProcess.FreePort();
    private Process? _s3rver;
    private X509Certificate2? _certificate;

    private string Endpoint => $"https://127.0.0.1:{_port}";

    public async ValueTask InitializeAsync()
    {
        if (S3rverProcess.Find() is not { } s3rver)
        {
            return;
        }
        string key = Path.Combine(_directory, "key.pem");
        string cert = Path.Combine(_directory, "cert.pem");
        var made = await ProcessRunner.RunAsync("openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
             "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(made.ExitCode == 0, made.StandardError);
        _certificate = X509CertificateLoader.LoadCertificateFromFile(cert);
        Directory.CreateDirectory(Path.Combine(_directory, "data"));
        _s3rver = await S3rverProcess.StartAsync(s3rver, Path.Combine(_directory, "data"), _port, "--key", key, "--cert", cert);
        using var admin = PinnedClient();
        await admin.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    private S3FileSystemOptions Options(Action<S3FileSystemOptions> configure)
    {
        var options = new S3FileSystemOptions
        {
            Bucket = Bucket,
            Endpoint = Endpoint,
            AccessKeyId = "S3RVER",
            SecretAccessKey = "S3RVER",
            ForcePathStyle = true,
            UseChunkEncoding = false, // s3rver stores chunk signatures as object bytes
        };
        configure(options);
        return options;
    }

    [Fact]
    public async Task Untrusted_certificate_is_refused_unless_SkipTlsVerify()
    {
        Requires.That(_s3rver is not null, "s3rver", S3rverProcess.HowToGet);
        using (var strict = new S3FileSystem(Options(_ => { })))
        {
            var refused = await Assert.ThrowsAsync<VfsException>(() => strict.GetInfoAsync("/probe.bin", false, CancellationToken.None).AsTask());
            Assert.Equal(VfsError.Failure, refused.Error);
            Assert.Contains(Flatten(refused), e => e is System.Security.Authentication.AuthenticationException);
        }
        // The same request reaches the service once verification is off: the object is simply not there.
        using var lax = new S3FileSystem(Options(o => o.SkipTlsVerify = true));
        var missing = await Assert.ThrowsAsync<VfsException>(() => lax.GetInfoAsync("/probe.bin", false, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.NotFound, missing.Error);
    }

    [Fact]
    public async Task Unsigned_payload_uploads_single_and_multipart_objects_intact()
    {
        Requires.That(_s3rver is not null, "s3rver", S3rverProcess.HowToGet);
        // Through a client that trusts this run's certificate and records the payload hash each upload request carries.
        var recorder = new PinnedHttpClientFactory(_certificate!);
        using var fs = new S3FileSystem(Options(o => { o.HttpClientFactory = recorder; o.DisablePayloadSigning = true; }));
        byte[] small = RandomNumberGenerator.GetBytes(100_000);
        byte[] large = RandomNumberGenerator.GetBytes((12 << 20) + 7); // three 5 MiB parts
        foreach (var (name, content) in new[] { ("small.bin", small), ("large.bin", large) })
        {
            await using (var writer = await fs.OpenWriteAsync("/" + name, new VfsWriteOptions { Truncate = true }, CancellationToken.None))
            {
                for (int offset = 0; offset < content.Length; offset += 255 * 1024)
                {
                    await writer.WriteAsync(content.AsMemory(offset, Math.Min(255 * 1024, content.Length - offset)), CancellationToken.None);
                }
                await writer.CompleteAsync(CancellationToken.None);
            }
            using var pinned = PinnedClient();
            using var response = await pinned.GetObjectAsync(Bucket, name);
            var stored = new MemoryStream();
            await response.ResponseStream.CopyToAsync(stored);
            Assert.Equal(content, stored.ToArray());
        }
        var uploads = recorder.PayloadHashes.Where(r => r.Method == "PUT").Select(r => r.Hash).ToList();
        Assert.Equal(4, uploads.Count); // PutObject, then UploadPart × 3
        Assert.All(uploads, hash => Assert.Equal("UNSIGNED-PAYLOAD", hash));

        // Signed (the default): the same upload carries the SHA-256 of its body.
        var signedRecorder = new PinnedHttpClientFactory(_certificate!);
        using var signedFs = new S3FileSystem(Options(o => o.HttpClientFactory = signedRecorder));
        await using (var writer = await signedFs.OpenWriteAsync("/signed.bin", new VfsWriteOptions { Truncate = true }, CancellationToken.None))
        {
            await writer.WriteAsync(small, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(small)), Assert.Single(signedRecorder.PayloadHashes, r => r.Method == "PUT").Hash);
    }

    [Fact]
    public void Unsigned_payload_over_plain_http_fails_validation()
    {
        var errors = S3FileSystemOptionsValidator.Errors(new S3FileSystemOptions { Bucket = "b", Endpoint = "http://127.0.0.1:9000", DisablePayloadSigning = true });
        Assert.Contains(errors, e => e.Contains("DisablePayloadSigning", StringComparison.Ordinal));
        Assert.Empty(S3FileSystemOptionsValidator.Errors(new S3FileSystemOptions { Bucket = "b", Endpoint = "https://127.0.0.1:9000", DisablePayloadSigning = true }));
        Assert.Empty(S3FileSystemOptionsValidator.Errors(new S3FileSystemOptions { Bucket = "b", Region = "eu-west-1", DisablePayloadSigning = true }));
    }

    private static IEnumerable<Exception> Flatten(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }

    /// <summary>A client that trusts exactly this run's certificate (for setting up and checking, not under test).</summary>
    private AmazonS3Client PinnedClient() => new(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = "us-east-1",
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        HttpClientFactory = new PinnedHttpClientFactory(_certificate!),
    });

    /// <summary>Trusts exactly this run's certificate and records each request's method and <c>x-amz-content-sha256</c>.</summary>
    private sealed class PinnedHttpClientFactory(X509Certificate2 certificate) : HttpClientFactory
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Method, string? Hash)> PayloadHashes { get; } = new();

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Recorder(PayloadHashes)
        {
            InnerHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData) },
            },
        });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

        private sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<(string, string?)> hashes) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                hashes.Enqueue((request.Method.Method, request.Headers.TryGetValues("x-amz-content-sha256", out var values) ? values.First() : null));
                return base.SendAsync(request, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_s3rver is { HasExited: false })
        {
            _s3rver.Kill(entireProcessTree: true);
            await _s3rver.WaitForExitAsync();
        }
        _s3rver?.Dispose();
        _certificate?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
