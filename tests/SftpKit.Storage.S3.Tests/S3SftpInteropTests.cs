using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using SftpKit.Events;

namespace SftpKit.Tests.Storage.S3;

/// <summary>Real SFTP clients (OpenSSH sftp, paramiko) against accounts stored in S3.</summary>
[Collection(S3Collection.Name)]
public sealed class S3SftpInteropTests : IClassFixture<S3SftpServer>
{
    private readonly S3TestEnvironment _s3;
    private readonly S3SftpServer _server;

    public S3SftpInteropTests(S3TestEnvironment s3, S3SftpServer server)
    {
        _s3 = s3;
        _server = server;
    }

    private static string User(string name) => name + Guid.NewGuid().ToString("N")[..6];

    private async Task<List<string>> KeysAsync(string prefix) =>
        (await _s3.ListAllAsync(prefix)).Select(o => o.Key[(_s3.RunPrefix + prefix).Length..]).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task OpenSsh_UploadsAndDownloadsMultipartObject_UnderTheAccountPrefix()
    {
        string user = User("alice");
        string prefix = S3TestEnvironment.NewPrefix("alice");
        await _server.AddAccountAsync(_s3, user, prefix);
        string local = _server.NewLocalDirectory();
        byte[] content = RandomNumberGenerator.GetBytes(23 * 1024 * 1024 + 4321);
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), content);

        var result = await _server.SftpBatchAsync(user, local, "mkdir data", "put big.bin data/big.bin", "get data/big.bin back.bin", "ls -l data");
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "back.bin")));
        Assert.Equal(content, await _s3.GetAsync(prefix + "data/big.bin"));
        Assert.Equal(["data/", "data/big.bin"], await KeysAsync(prefix));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }

    [Fact]
    public async Task KeyPrefix_ConfinesEachAccount()
    {
        string alice = User("alice"), bob = User("bob");
        string alicePrefix = S3TestEnvironment.NewPrefix("alice"), bobPrefix = S3TestEnvironment.NewPrefix("bob");
        await _server.AddAccountAsync(_s3, alice, alicePrefix);
        await _server.AddAccountAsync(_s3, bob, bobPrefix);
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "secret.txt"), "bob's");

        Assert.Equal(0, (await _server.SftpBatchAsync(bob, local, "put secret.txt")).ExitCode);
        var peek = await _server.SftpBatchAsync(alice, local, "ls -1 /",
            $"-get ../{bobPrefix}secret.txt stolen1", "-get /secret.txt stolen2", $"-get /../../{bobPrefix.TrimEnd('/')}/secret.txt stolen3");

        Assert.DoesNotContain(peek.Text.Split('\n'), line => !line.StartsWith("sftp>", StringComparison.Ordinal) && line.Contains("secret", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(local, "stolen1")));
        Assert.False(File.Exists(Path.Combine(local, "stolen2")));
        Assert.False(File.Exists(Path.Combine(local, "stolen3")));
        Assert.Empty(await KeysAsync(alicePrefix));
        Assert.Equal(["secret.txt"], await KeysAsync(bobPrefix));
    }

    [Fact]
    public async Task Rename_MovesFilesAndSmallDirectories_AndRefusesLargeOnes()
    {
        string user = User("carol");
        string prefix = S3TestEnvironment.NewPrefix("carol");
        await _server.AddAccountAsync(_s3, user, prefix, extraSettings: new Dictionary<string, string> { ["MaxRenameObjects"] = "3" });
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "f"), "content");

        var result = await _server.SftpBatchAsync(user, local,
            "mkdir d", "put f d/f1", "put f d/f2", "rename d/f1 d/g", "rename d e",
            "mkdir big", "put f big/1", "put f big/2", "put f big/3", "put f big/4", "-rename big big2", "get e/g back");
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal("content", await File.ReadAllTextAsync(Path.Combine(local, "back")));
        Assert.Equal(["big/", "big/1", "big/2", "big/3", "big/4", "e/", "e/f2", "e/g"], await KeysAsync(prefix));
    }

    [Fact]
    public async Task Lists_TenThousandObjects()
    {
        string user = User("dave");
        string prefix = S3TestEnvironment.NewPrefix("dave");
        await _server.AddAccountAsync(_s3, user, prefix);
        const int count = 10_000;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await _s3.PutAsync($"{prefix}many/f{i:D5}", [(byte)i]));

        var result = await _server.SftpBatchAsync(user, _server.NewLocalDirectory(), "ls -1 many");
        Assert.True(result.ExitCode == 0, result.StandardError);

        var names = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("sftp>", StringComparison.Ordinal)).ToList();
        Assert.Equal(count, names.Count);
        Assert.Equal(count, names.Distinct().Count());
        Assert.Contains("many/f09999", names);
    }

    [Fact]
    public async Task AbortedUpload_LeavesNoObject_AndNoPendingMultipartUpload()
    {
        string user = User("erin");
        string prefix = S3TestEnvironment.NewPrefix("erin");
        await _server.AddAccountAsync(_s3, user, prefix);

        // 12 MiB written (two full parts sent), then the connection dies without closing the file.
        var result = await _server.ParamikoAsync(user, """
            import os
            f = sftp.open("partial.bin", "wb")
            f.set_pipelined(True)
            chunk = os.urandom(32768)
            for _ in range(384):
                f.write(chunk)
            f.flush()
            f.stat()
            transport.sock.close()
            os._exit(0)
            """);
        Assert.True(result.ExitCode == 0, result.StandardError);

        List<string> keys = [], pending = [];
        for (int i = 0; i < 100; i++)
        {
            keys = await KeysAsync(prefix);
            pending = await _s3.PendingUploadsAsync(prefix);
            if (pending.Count == 0)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Empty(pending);
        Assert.Empty(keys);
        SftpEvent? upload = null;
        for (int i = 0; i < 100 && upload is null; i++)
        {
            upload = _server.Events.FirstOrDefault(e => e.UserName == user && e.Kind == SftpEventKind.Upload);
            await Task.Delay(upload is null ? 50 : 0);
        }
        // The upload really was under way (past one part) when the connection died.
        Assert.NotNull(upload);
        Assert.NotEqual(SftpEventStatus.Ok, upload.Status);
        Assert.True(upload.Size >= 10 * 1024 * 1024, $"size {upload.Size}");
    }

    [Fact]
    public async Task OutOfOrderWrites_SpillToTheTempDirectory_AndProduceTheRightObject()
    {
        string user = User("frank");
        string prefix = S3TestEnvironment.NewPrefix("frank");
        await _server.AddAccountAsync(_s3, user, prefix);
        string local = _server.NewLocalDirectory();
        byte[] content = RandomNumberGenerator.GetBytes(9 * 1024 * 1024 + 777);
        string source = Path.Combine(local, "src.bin");
        await File.WriteAllBytesAsync(source, content);
        long spills = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SftpKitMeter.Name && instrument.Name == "sftpkit.uploads.reordered")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "how" && (string?)tag.Value == "temporary_file")
                {
                    Interlocked.Add(ref spills, value);
                }
            }
        });
        listener.Start();

        // A multi-threaded client's pattern, exaggerated: pipelined WRITEs of 64 KiB chunks, last chunk first.
        var result = await _server.ParamikoAsync(user, """
            data = open(args[0], "rb").read()
            f = sftp.open("ooo.bin", "wb")
            f.set_pipelined(True)
            size = 65536
            offsets = list(range(0, len(data), size))
            for off in reversed(offsets):
                f.seek(off)
                f.write(data[off:off + size])
            f.close()
            """, source);
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal(content, await _s3.GetAsync(prefix + "ooo.bin"));
        Assert.True(Interlocked.Read(ref spills) >= 1, "the upload went past the reorder window into a temp file");
        Assert.Empty(Directory.EnumerateFiles(_server.SpillDirectory));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }

    [Fact]
    public async Task QuotaAndEvents_WorkAsOnDisk()
    {
        string user = User("gina");
        string prefix = S3TestEnvironment.NewPrefix("gina");
        await _server.AddAccountAsync(_s3, user, prefix, a => a.QuotaSize = 1024 * 1024);
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "a.bin"), RandomNumberGenerator.GetBytes(700 * 1024));

        var result = await _server.SftpBatchAsync(user, local, "put a.bin one.bin", "-put a.bin two.bin", "rename one.bin three.bin");
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal(["three.bin"], await KeysAsync(prefix));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
        List<SftpEvent> mine = [];
        for (int i = 0; i < 100 && !mine.Any(e => e.Kind == SftpEventKind.Rename); i++)
        {
            await Task.Delay(50);
            mine = _server.Events.Where(e => e.UserName == user).ToList();
        }
        var uploads = mine.Where(e => e.Kind == SftpEventKind.Upload).ToList();
        Assert.Contains(uploads, e => e.Path == "/one.bin" && e.Status == SftpEventStatus.Ok && e.Size == 700 * 1024);
        Assert.Contains(uploads, e => e.Path == "/two.bin" && e.Status != SftpEventStatus.Ok);
        Assert.Contains(mine, e => e.Kind == SftpEventKind.Rename && e.Path == "/one.bin" && e.TargetPath == "/three.bin");
    }
}
