using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Renci.SshNet;
using SftpKit.Accounts;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// The S3 server (a private s3rver process of this test's own, on its own port and data directory) killed and
/// restarted while SSH.NET clients upload: during the outage uploads fail with an SFTP error in bounded time (no hang,
/// no crash); after the restart the same SftpKit server logs in and transfers again, every upload a client saw succeed
/// is in the bucket intact, and a failed upload left nothing or the complete object under its key, never part of it.
/// </summary>
public sealed class S3OutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Bucket = "sftpkit-outage";
    private const string Prefix = "outage/";
    private readonly S3SftpServer _server = new();
    private readonly string _data = Directory.CreateTempSubdirectory("sftpkit-s3out-").FullName;
    private readonly int _port = S3rverProcess.FreePort();
    private Process? _s3rver;

    private string Endpoint => $"http://127.0.0.1:{_port}";

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    [Fact]
    public async Task S3ServerKilledAndRestarted_DuringTransfers_CleanErrors_ThenRecoversWithoutServerRestart()
    {
        string? s3rver = S3rverProcess.Find();
        Requires.That(s3rver is not null, "s3rver", S3rverProcess.HowToGet);
        await StartS3rverAsync(s3rver);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            AuthenticationRegion = "us-east-1",
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = S3rverCompatibilityHttpClientFactory.Instance,
        });
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        await _server.Store.CreateAsync(new SftpAccount
        {
            UserName = "s3out",
            PasswordHash = SftpPasswordHasher.Hash(S3SftpServer.Password),
            FileSystem = new SftpFileSystemConfig
            {
                Provider = "s3",
                Root = Prefix,
                Settings = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["Bucket"] = Bucket, ["Endpoint"] = Endpoint, ["Region"] = "us-east-1", ["AccessKeyId"] = "S3RVER",
                    ["SecretAccessKey"] = "S3RVER", ["ForcePathStyle"] = "true", ["KeyPrefix"] = "", ["UseChunkEncoding"] = "false",
                },
            },
        }, CancellationToken.None);

        var succeeded = new ConcurrentDictionary<string, byte[]>();
        var attempted = new ConcurrentDictionary<string, byte[]>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 3).Select(w => Task.Run(() => UploadLoopAsync(w, succeeded, attempted, errors, stop.Token))).ToList();

        await WaitUntilAsync(() => succeeded.Count >= 6, TimeSpan.FromMinutes(2));
        int beforeOutage = succeeded.Count;
        _s3rver!.Kill(entireProcessTree: true);
        await _s3rver.WaitForExitAsync();
        output.WriteLine($"s3rver killed after {beforeOutage} uploads");

        // During the outage a new session logs in (accounts are not in S3) and its upload fails with an SFTP status.
        var clock = Stopwatch.StartNew();
        using (var client = Client())
        {
            await client.ConnectAsync(CancellationToken.None);
            var failed = await Assert.ThrowsAnyAsync<Exception>(() =>
                client.UploadFileAsync(new MemoryStream(RandomNumberGenerator.GetBytes(256 * 1024)), "/during-outage.bin", CancellationToken.None)
                    .WaitAsync(TimeSpan.FromMinutes(3)));
            output.WriteLine($"upload during outage: {failed.GetType().Name}: {failed.Message} after {clock.Elapsed.TotalSeconds:0.0}s");
            Assert.IsType<Renci.SshNet.Common.SftpException>(failed);
            Assert.True(client.IsConnected);
        }

        await StartS3rverAsync(s3rver);
        output.WriteLine($"s3rver restarted; {succeeded.Count} uploads succeeded so far, {errors.Count} errors");
        byte[] probe = RandomNumberGenerator.GetBytes(300 * 1024);
        bool recovered = false;
        for (int i = 0; i < 30 && !recovered; i++)
        {
            try
            {
                using var client = Client();
                await client.ConnectAsync(CancellationToken.None);
                await client.UploadFileAsync(new MemoryStream(probe), "/after-restart.bin", CancellationToken.None);
                using var back = new MemoryStream();
                await client.DownloadFileAsync("/after-restart.bin", back, CancellationToken.None);
                Assert.Equal(probe, back.ToArray());
                recovered = true;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                output.WriteLine($"after restart, try {i}: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(1000);
            }
        }
        Assert.True(recovered, "no transfer worked within 30 tries after s3rver restarted");
        int afterRestart = succeeded.Count;
        await WaitUntilAsync(() => succeeded.Count >= afterRestart + 3, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        foreach (string e in errors.Take(10))
        {
            output.WriteLine("client error: " + e);
        }
        Assert.NotEmpty(errors);
        foreach (var (name, data) in succeeded)
        {
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(await GetAsync(s3, Prefix + name)));
        }
        // Each failed upload is probed by key rather than by listing: s3rver writes an object's data and metadata files in
        // place, so the kill can leave one of its own files half written, and a listing then fails as a whole.
        int truncatedByKill = 0;
        foreach (var (name, data) in attempted.Where(a => !succeeded.ContainsKey(a.Key)))
        {
            var (found, stored, brokenByKill) = await TryGetAsync(s3, Prefix + name);
            if (!found)
            {
                continue;
            }
            if (brokenByKill)
            {
                output.WriteLine($"failed upload {name}: s3rver cannot read its own files for it after the kill");
                truncatedByKill++;
                continue;
            }
            if (stored!.Length == data.Length)
            {
                Assert.Equal(SHA256.HashData(data), SHA256.HashData(stored));
                continue;
            }
            // s3rver writes a PUT's body straight into the object file (real S3 makes a PUT visible only whole), so
            // killing it mid-PUT leaves a prefix of that body as an object. Only the PUT each client had in flight at
            // the kill can be hit, and what is there must be a prefix of what SftpKit sent.
            output.WriteLine($"failed upload {name}: s3rver kept {stored.Length} of {data.Length} bytes of the PUT it was killed in");
            Assert.True(stored.Length < data.Length && stored.AsSpan().SequenceEqual(data.AsSpan(0, stored.Length)));
            truncatedByKill++;
        }
        Assert.InRange(truncatedByKill, 0, 3);
        Assert.False((await TryGetAsync(s3, Prefix + "during-outage.bin")).Found, "the upload made during the outage left an object");
        output.WriteLine($"{succeeded.Count} uploads verified in S3; {attempted.Count - succeeded.Count} failed during the outage; "
            + $"multipart uploads left pending by the outage: {S3rverCompatibilityHttpClientFactory.Instance.Pending.Values.Count(k => k.StartsWith(Prefix, StringComparison.Ordinal))}");
    }

    private SftpClient Client()
    {
        var client = new SftpClient("127.0.0.1", _server.Port, "s3out", S3SftpServer.Password) { OperationTimeout = TimeSpan.FromMinutes(2) };
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(60);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    private async Task UploadLoopAsync(int worker, ConcurrentDictionary<string, byte[]> succeeded, ConcurrentDictionary<string, byte[]> attempted,
        ConcurrentQueue<string> errors, CancellationToken cancellationToken)
    {
        int n = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = Client();
                await client.ConnectAsync(cancellationToken);
                while (!cancellationToken.IsCancellationRequested)
                {
                    string name = $"w{worker}-{n++:D4}.bin";
                    byte[] data = RandomNumberGenerator.GetBytes(768 * 1024);
                    attempted[name] = data;
                    await client.UploadFileAsync(new MemoryStream(data), "/" + name, cancellationToken);
                    succeeded[name] = data;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                errors.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                try
                {
                    await Task.Delay(500, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private static async Task<byte[]> GetAsync(AmazonS3Client s3, string key)
    {
        using var response = await s3.GetObjectAsync(Bucket, key);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Reads <paramref name="key"/>: not found, its bytes, or "broken by the kill" when s3rver answers with a server
    /// error because its own data or metadata file for the key was cut short when it was killed.
    /// </summary>
    private static async Task<(bool Found, byte[]? Data, bool BrokenByKill)> TryGetAsync(AmazonS3Client s3, string key)
    {
        try
        {
            return (true, await GetAsync(s3, key), false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return (false, null, false);
        }
        catch (AmazonS3Exception ex) when ((int)ex.StatusCode >= 500)
        {
            return (true, null, true);
        }
    }

    /// <summary>Starts s3rver on this test's port and data directory (again after a kill: same objects).</summary>
    private async Task StartS3rverAsync(string path)
    {
        _s3rver?.Dispose();
        _s3rver = await S3rverProcess.StartAsync(path, _data, _port);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, "condition not met in time");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_s3rver is { HasExited: false })
        {
            _s3rver.Kill(entireProcessTree: true);
            await _s3rver.WaitForExitAsync();
        }
        _s3rver?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
