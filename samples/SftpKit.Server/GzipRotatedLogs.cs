using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Serilog.Debugging;
using Serilog.Sinks.File;

namespace SftpKit.Server;

/// <summary>
/// Compresses rotated log files. Serilog's file sink rolls <c>NAME.log</c> to <c>NAME_001.log</c>, <c>NAME_002.log</c>,
/// ...; each time it opens a file (at start and after every roll) this hook gzips every other file of that pattern to
/// <c>NAME-yyyyMMddTHHmmssfff.log.gz</c> (the time is the file's last write, UTC) on a background task, then deletes
/// the oldest archives beyond <c>maxBackups</c> and those older than <c>maxAge</c>. At most one compression pass runs
/// and at most one more waits; files left uncompressed by a stop are compressed at the next start. Problems go to
/// Serilog's SelfLog: the logger cannot log about itself from inside its own sink.
/// </summary>
internal sealed class GzipRotatedLogs : FileLifecycleHooks
{
    private readonly string _directory;
    private readonly string _stem;
    private readonly string _extension;
    private readonly Regex _rotated;
    private readonly Regex _archive;
    private readonly int? _maxBackups;
    private readonly TimeSpan? _maxAge;
    private readonly Lock _running = new();
    private int _pending;

    public GzipRotatedLogs(string path, int? maxBackups, TimeSpan? maxAge)
    {
        _directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        _stem = Path.GetFileNameWithoutExtension(path);
        _extension = Path.GetExtension(path);
        _rotated = new Regex($"^{Regex.Escape(_stem)}(_[0-9]{{3,}})?{Regex.Escape(_extension)}$", RegexOptions.CultureInvariant);
        _archive = new Regex($"^{Regex.Escape(_stem)}-[0-9]{{8}}T[0-9]{{9}}(-[0-9]+)?{Regex.Escape(_extension)}\\.gz$", RegexOptions.CultureInvariant);
        _maxBackups = maxBackups;
        _maxAge = maxAge;
    }

    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        // One pass may run and one more may wait; further requests are covered by the waiting one.
        if (Interlocked.CompareExchange(ref _pending, 1, 0) == 0)
        {
            string active = Path.GetFullPath(path);
            _ = Task.Run(() => CompressAndPrune(active));
        }
        return underlyingStream;
    }

    private void CompressAndPrune(string active)
    {
        lock (_running)
        {
            try
            {
                Volatile.Write(ref _pending, 0);
                foreach (var file in new DirectoryInfo(_directory).EnumerateFiles())
                {
                    if (_rotated.IsMatch(file.Name) && !string.Equals(file.FullName, active, StringComparison.Ordinal))
                    {
                        Compress(file);
                    }
                }
                Prune();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SelfLog.WriteLine("Compressing rotated logs in {0} failed: {1}", _directory, ex.Message);
            }
        }
    }

    private void Compress(FileInfo file)
    {
        string stamp = file.LastWriteTimeUtc.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture);
        string target = Path.Combine(_directory, $"{_stem}-{stamp}{_extension}.gz");
        for (int n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(_directory, $"{_stem}-{stamp}-{n}{_extension}.gz");
        }
        string temporary = target + ".tmp";
        try
        {
            using (var source = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            {
                source.CopyTo(gzip);
            }
            File.SetLastWriteTimeUtc(temporary, file.LastWriteTimeUtc);
            File.Move(temporary, target);
            file.Delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("Compressing rotated log {0} failed: {1}", file.FullName, ex.Message);
            File.Delete(temporary);
        }
    }

    private void Prune()
    {
        var archives = new DirectoryInfo(_directory).EnumerateFiles()
            .Where(f => _archive.IsMatch(f.Name))
            .OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var now = DateTime.UtcNow;
        for (int i = 0; i < archives.Count; i++)
        {
            bool tooMany = _maxBackups is int max && i >= max;
            bool tooOld = _maxAge is TimeSpan age && now - archives[i].LastWriteTimeUtc > age;
            if (tooMany || tooOld)
            {
                archives[i].Delete();
            }
        }
    }
}
