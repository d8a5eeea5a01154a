using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Policies;
using SftpKit.Tests.Interop;
using SftpKit.Tests.Policies;

namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// 100 clients killed at random points of atomic-mode uploads: 70 SSH.NET uploads whose TCP connection is reset after a
/// random number of bytes (some during the handshake, most mid-upload), 30 paramiko child processes SIGKILLed while
/// writing. Afterwards nothing exists under a killed upload's new name, files it was replacing keep their content,
/// no temp file is left, the server holds no fd under the account's home, and live quota usage equals a scan.
/// </summary>
[Collection(LoadAndFaultsCollection.Name)]
public sealed class ClientKillFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ProxyKills = 70;
    private const int ProcessKills = 30;
    private const int UploadSize = 2 * 1024 * 1024;
    private const int KeptFiles = 3;

    private readonly AccountTestServer _server = new();

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task HundredClientKills_DuringAtomicUploads_LeaveNoPartialFile_NoTemp_NoHandle_AndQuotaEqualsScan()
    {
        var random = new Random(8_2);
        var account = await _server.AddAccountAsync("killed", a => a.QuotaSize = 1L << 30);
        string home = account.HomeDirectory!;

        // Files that killed uploads try to replace: their content must survive.
        var kept = new Dictionary<string, byte[]>();
        using (var client = Client(_server.Port))
        {
            await client.ConnectAsync(CancellationToken.None);
            for (int i = 0; i < KeptFiles; i++)
            {
                byte[] data = RandomNumberGenerator.GetBytes(300 * 1024 + i);
                await client.UploadFileAsync(new MemoryStream(data), $"/keep{i}.bin", CancellationToken.None);
                kept[$"keep{i}.bin"] = SHA256.HashData(data);
            }
            client.Disconnect();
        }
        await WaitForNoConnectionsAsync();
        int fdsBefore = OpenFdCount();

        int duringHandshake = 0, duringUpload = 0, completed = 0;
        for (int i = 0; i < ProxyKills; i++)
        {
            string target = i % 5 == 0 ? $"/keep{i % KeptFiles}.bin" : $"/k{i:D3}.bin";
            // One kill in ten lands in the first 3 KiB (version exchange, key exchange, auth); the rest anywhere in the
            // upload (the 2 MiB file alone is more than any cut, so no upload can finish).
            long cut = i % 10 == 0 ? random.Next(0, 3 * 1024) : random.Next(8 * 1024, UploadSize);
            await using var proxy = AbortingProxy.Start(_server.Port, cut);
            using var client = Client(proxy.Port);
            bool connected = false;
            try
            {
                await client.ConnectAsync(CancellationToken.None);
                connected = true;
                await client.UploadFileAsync(new MemoryStream(RandomNumberGenerator.GetBytes(UploadSize)), target, CancellationToken.None);
                completed++;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                if (connected)
                {
                    duringUpload++;
                }
                else
                {
                    duringHandshake++;
                }
            }
            await proxy.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(0, completed);

        int killedProcesses = 0;
        for (int i = 0; i < ProcessKills; i += 5)
        {
            // Five at a time: each child logs in, starts writing, and is SIGKILLed 0–400 ms after its first write.
            var batch = Enumerable.Range(i, 5).Select(j => KillParamikoMidUploadAsync(
                j % 5 == 0 ? $"keep{j % KeptFiles}.bin" : $"p{j:D3}.bin", random.Next(0, 400))).ToList();
            killedProcesses += (await Task.WhenAll(batch)).Count(killed => killed);
        }
        Assert.Equal(ProcessKills, killedProcesses);

        await WaitForNoConnectionsAsync();
        output.WriteLine($"kills: {duringHandshake} during connect, {duringUpload} during upload (reset), {killedProcesses} paramiko SIGKILLs mid-write");

        // No partial file under any target name; replaced files untouched.
        var names = Directory.GetFileSystemEntries(home, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(home, p)).Order().ToList();
        Assert.Equal(kept.Keys.Order(), names);
        foreach (var (name, hash) in kept)
        {
            Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(home, name))));
        }

        // No handle left on anything under the home (temp files included, even deleted ones).
        var held = HeldPaths().Where(p => p.StartsWith(home, StringComparison.Ordinal)).ToList();
        Assert.True(held.Count == 0, string.Join(", ", held));
        int fdsAfter = 0;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            fdsAfter = OpenFdCount();
            if (fdsAfter <= fdsBefore + 4)
            {
                break;
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(250);
        }
        output.WriteLine($"test-process fds before kills {fdsBefore}, after {fdsAfter}");
        Assert.InRange(fdsAfter, 0, fdsBefore + 4);

        // Quota: the live counters equal a scan of the disk, and both equal the kept files.
        var quotas = _server.Services.GetRequiredService<SftpQuotaManager>();
        var live = await quotas.GetUsageAsync("killed", CancellationToken.None);
        var scanned = await quotas.ScanAsync("killed", CancellationToken.None);
        Assert.Equal(scanned, live);
        Assert.Equal(new SftpQuotaUsage(KeptFiles * 300 * 1024 + (0 + 1 + 2), KeptFiles), live);
    }

    private SftpClient Client(int port)
    {
        var key = new PrivateKeyFile(_server.ClientKey);
        var client = new SftpClient(new PrivateKeyConnectionInfo("127.0.0.1", port, "killed", key) { Timeout = TimeSpan.FromSeconds(30) })
        {
            OperationTimeout = TimeSpan.FromSeconds(60),
        };
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    /// <summary>Starts a paramiko child that writes to <paramref name="target"/> forever; SIGKILLs it after its first write.</summary>
    private async Task<bool> KillParamikoMidUploadAsync(string target, int delayMs)
    {
        const string script = """
            import sys, os, paramiko
            port, user, key, target = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, pkey=paramiko.Ed25519Key.from_private_key_file(key))
            s = paramiko.SFTPClient.from_transport(t)
            f = s.open(target, "wb")
            f.set_pipelined(True)
            block = os.urandom(32768)
            f.write(block)
            print("writing", flush=True)
            for _ in range(100000):
                f.write(block)
            """;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-c", script, _server.Port.ToString(CultureInfo.InvariantCulture), "killed", _server.ClientKey, target })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "writing")
        {
            process.Kill(entireProcessTree: true);
            output.WriteLine($"paramiko child for {target} did not start writing: {await stderr}");
            return false;
        }
        await Task.Delay(delayMs);
        if (process.HasExited)
        {
            output.WriteLine($"paramiko child for {target} exited by itself: {await stderr}");
            return false;
        }
        process.Kill(entireProcessTree: true); // SIGKILL
        await process.WaitForExitAsync(CancellationToken.None);
        return true;
    }

    private async Task WaitForNoConnectionsAsync()
    {
        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        for (int i = 0; i < 300 && registry.Count > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.Equal(0, registry.Count);
    }

    private static int OpenFdCount() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();

    private static List<string> HeldPaths()
    {
        var paths = new List<string>();
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    paths.Add(target);
                }
            }
            catch (IOException)
            {
            }
        }
        return paths;
    }
}
