using System.Globalization;

namespace SftpKit.LoadTest;

/// <summary>One reading of a server process: resident memory, open file descriptors and threads.</summary>
internal readonly record struct ProcessSample(TimeSpan At, long RssBytes, int OpenFds, int Threads)
{
    public double RssMiB => RssBytes / (1024.0 * 1024.0);
}

/// <summary>Reads /proc/PID/status (VmRSS, Threads) and counts /proc/PID/fd of one process.</summary>
internal sealed class ProcessProbe(int pid)
{
    public int Pid { get; } = pid;

    public ProcessSample Sample(TimeSpan at)
    {
        long rss = 0;
        int threads = 0;
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKiB(line) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }
        int fds = Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd").Count();
        return new ProcessSample(at, rss, fds, threads);
    }

    private static long ParseKiB(string line)
    {
        var value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        int space = value.IndexOf(' ');
        return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
    }
}
