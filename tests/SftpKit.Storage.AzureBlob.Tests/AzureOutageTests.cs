using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Renci.SshNet;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>
/// Azurite (a private instance of this test's own, on its own port and data directory) killed while an SSH.NET client
/// uploads: the client gets an SFTP failure in bounded time; once Azurite is back on the same port and directory no
/// blob of that upload is committed, and the same SftpKit server uploads again without a restart.
/// </summary>
public sealed class AzureOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Container = "sftpkit-outage";
    private readonly AzureSftpServer _server = new();
    private readonly string _data = Directory.CreateTempSubdirectory("sftpkit-azout-").FullName;
    private readonly int _port = AzuriteProcess.FreePort();
    private Process? _azurite;

    private string Endpoint => $"http://127.0.0.1:{_port}";

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    [Fact]
    public async Task AzuriteKilledMidUpload_CleanFailure_NothingCommitted_ThenRecovers()
    {
        string? azurite = AzuriteProcess.Find();
        Requires.That(azurite is not null, "Azurite (azurite-blob)", AzuriteProcess.HowToGet);
        _azurite = await AzuriteProcess.StartAsync(azurite, _data, _port);
        var container = ContainerClient();
        await container.CreateIfNotExistsAsync();
        await _server.AddAccountAsync("outage", "outage/", new Dictionary<string, string>
        {
            ["Container"] = Container, ["AccountName"] = AzuriteProcess.AccountName, ["AccountKey"] = AzuriteProcess.AccountKey,
            ["Endpoint"] = $"{Endpoint}/{AzuriteProcess.AccountName}", ["UploadPartSizeMiB"] = "1", ["UploadConcurrency"] = "2",
        });

        using var client = Client();
        byte[] before = RandomNumberGenerator.GetBytes(100_000);
        using (var stream = new MemoryStream(before))
        {
            client.UploadFile(stream, "before.bin");
        }
        var midway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new PausingStream(RandomNumberGenerator.GetBytes(24 * 1024 * 1024), pauseAt: 6 * 1024 * 1024, midway, resume);
        var upload = Task.Run(() => client.UploadFile(source, "big.bin"));

        await midway.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // Azurite saves its metadata every few seconds: wait until what was committed before is on disk, so that
        // it survives the restart and the absence of the interrupted upload means something.
        await WaitUntilAsync(() => File.Exists(Database) && File.ReadAllText(Database).Contains("outage/before.bin", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        _azurite.Kill(entireProcessTree: true);
        await _azurite.WaitForExitAsync();
        _azurite.Dispose();
        _azurite = null;
        resume.SetResult();
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => upload.WaitAsync(TimeSpan.FromMinutes(3)));
        output.WriteLine($"upload failed after the kill in {clock.Elapsed.TotalSeconds:F1} s: {failure.GetType().Name}: {failure.Message}");
        Assert.IsNotType<TimeoutException>(failure);
        Assert.True(client.IsConnected, "the session survives a storage outage");

        _azurite = await AzuriteProcess.StartAsync(azurite, _data, _port);
        var committed = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "outage/" }))
        {
            committed.Add(blob.Name);
        }
        Assert.Equal(["outage/before.bin"], committed);
        Assert.Equal(before, (await container.GetBlobClient("outage/before.bin").DownloadContentAsync()).Value.Content.ToArray());

        // Back up: the same server (and a new session) uploads again.
        using var again = Client();
        byte[] small = RandomNumberGenerator.GetBytes(1_500_000);
        using (var stream = new MemoryStream(small))
        {
            again.UploadFile(stream, "after.bin");
        }
        Assert.Equal(small, (await container.GetBlobClient("outage/after.bin").DownloadContentAsync()).Value.Content.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            _azurite.Kill(entireProcessTree: true);
            await _azurite.WaitForExitAsync();
            _azurite.Dispose();
        }
        await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private string Database => Path.Combine(_data, "__azurite_db_blob__.json");

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(100);
        }
    }

    private BlobContainerClient ContainerClient() =>
        new BlobServiceClient(new Uri($"{Endpoint}/{AzuriteProcess.AccountName}"), new StorageSharedKeyCredential(AzuriteProcess.AccountName, AzuriteProcess.AccountKey))
            .GetBlobContainerClient(Container);

    private SftpClient Client()
    {
        var client = new SftpClient("127.0.0.1", _server.Port, "outage", AzureSftpServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        return client;
    }

    /// <summary>Content that signals <paramref name="midway"/> once <paramref name="pauseAt"/> bytes were read, then waits for <paramref name="resume"/>.</summary>
    private sealed class PausingStream(byte[] content, int pauseAt, TaskCompletionSource midway, TaskCompletionSource resume) : MemoryStream(content, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= pauseAt && !midway.Task.IsCompleted)
            {
                midway.SetResult();
                resume.Task.Wait(TimeSpan.FromMinutes(2));
            }
            return base.Read(buffer, offset, count);
        }
    }
}
