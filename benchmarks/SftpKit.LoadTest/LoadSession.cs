using System.Security.Cryptography;
using Renci.SshNet;

namespace SftpKit.LoadTest;

/// <summary>
/// One SSH.NET session: logs in, then until the deadline runs a random mix of uploads, downloads (SHA-256 checked
/// against what it uploaded), listings (names checked against what it holds), renames and deletes in its own
/// directory; at the end it downloads and checks every file it still holds, deletes them and disconnects.
/// Any exception ends the session and counts as an error.
/// </summary>
internal sealed class LoadSession(int index, LoadOptions options, Func<ConnectionInfo> connect, LoadStats stats, int seed, LoadBarrier barrier)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, (byte[] Hash, long Length)> _files = new(StringComparer.Ordinal);
    private readonly string _directory = $"/s{index:D4}";
    private int _nextName;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var client = new SftpClient(connect()) { OperationTimeout = TimeSpan.FromSeconds(180) };
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        string step = "connect";
        bool up = false, completed = false, arrived = false;
        try
        {
            await client.ConnectAsync(cancellationToken);
            stats.SessionUp();
            up = true;
            barrier.Arrive();
            arrived = true;
            step = "mkdir";
            if (!await client.ExistsAsync(_directory, cancellationToken))
            {
                await client.CreateDirectoryAsync(_directory, cancellationToken);
            }
            // Sessions work from login on; the clock of the duration starts once every session has logged in.
            while (!barrier.DeadlinePassed && !cancellationToken.IsCancellationRequested)
            {
                double think = options.Think.TotalMilliseconds * 2 * _random.NextDouble();
                await Task.Delay(TimeSpan.FromMilliseconds(think), cancellationToken);
                step = PickOperation();
                await RunOperationAsync(client, step, cancellationToken);
            }
            step = "final-verify";
            foreach (string name in _files.Keys.ToList())
            {
                stats.Verified(await VerifyAsync(client, name, cancellationToken));
                await client.DeleteFileAsync(Full(name), cancellationToken);
                stats.Delete();
            }
            _files.Clear();
            step = "rmdir";
            await client.DeleteDirectoryAsync(_directory, cancellationToken);
            step = "disconnect";
            client.Disconnect();
            completed = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            stats.Error(index, step, ex);
        }
        finally
        {
            if (!arrived)
            {
                barrier.Arrive();
            }
            if (up)
            {
                stats.SessionDown(completed);
            }
        }
    }

    private string PickOperation()
    {
        if (_files.Count == 0)
        {
            return "upload";
        }
        int roll = _random.Next(100);
        return roll switch
        {
            < 30 => _files.Count >= options.MaxFilesPerSession ? "delete" : "upload",
            < 55 => "download",
            < 75 => "list",
            < 90 => "rename",
            _ => "delete",
        };
    }

    private async Task RunOperationAsync(SftpClient client, string operation, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case "upload":
                await UploadAsync(client, cancellationToken);
                break;
            case "download":
                stats.Download(await VerifyAsync(client, PickFile(), cancellationToken));
                break;
            case "list":
                await ListAsync(client, cancellationToken);
                break;
            case "rename":
                string from = PickFile();
                string to = NewName();
                await client.RenameFileAsync(Full(from), Full(to), cancellationToken);
                _files[to] = _files[from];
                _files.Remove(from);
                stats.Rename();
                break;
            default:
                string victim = PickFile();
                await client.DeleteFileAsync(Full(victim), cancellationToken);
                _files.Remove(victim);
                stats.Delete();
                break;
        }
    }

    private async Task UploadAsync(SftpClient client, CancellationToken cancellationToken)
    {
        // Log-uniform sizes: as many 1–4 KiB files as 1–4 MiB ones, so 500 sessions stay affordable on 2 cores.
        double logMin = Math.Log(options.MinSize), logMax = Math.Log(options.MaxSize);
        int size = (int)Math.Exp(logMin + (logMax - logMin) * _random.NextDouble());
        byte[] data = new byte[size];
        _random.NextBytes(data);
        string name = NewName();
        using (var source = new MemoryStream(data, writable: false))
        {
            await client.UploadFileAsync(source, Full(name), cancellationToken);
        }
        _files[name] = (SHA256.HashData(data), size);
        stats.Upload(size);
    }

    private async Task<long> VerifyAsync(SftpClient client, string name, CancellationToken cancellationToken)
    {
        var (hash, length) = _files[name];
        using var sink = new HashingStream();
        await client.DownloadFileAsync(Full(name), sink, cancellationToken);
        if (sink.Written != length || !CryptographicOperations.FixedTimeEquals(sink.GetHash(), hash))
        {
            stats.Mismatch(index, $"{Full(name)}: got {sink.Written} bytes, expected {length} with another SHA-256");
        }
        return sink.Written;
    }

    private async Task ListAsync(SftpClient client, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var entry in client.ListDirectoryAsync(_directory, cancellationToken))
        {
            if (entry.Name is not "." and not "..")
            {
                names.Add(entry.Name);
            }
        }
        if (!names.SetEquals(_files.Keys))
        {
            stats.Mismatch(index, $"listing of {_directory} has [{string.Join(",", names)}], expected [{string.Join(",", _files.Keys.Order(StringComparer.Ordinal))}]");
        }
        stats.Listing();
    }

    private string PickFile() => _files.Keys.ElementAt(_random.Next(_files.Count));

    private string NewName() => $"f{_nextName++:D5}.bin";

    private string Full(string name) => _directory + "/" + name;
}
