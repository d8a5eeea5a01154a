using System.Globalization;

namespace SftpKit.LoadTest;

/// <summary>Command-line settings of <c>run</c>; every default is the full-size run.</summary>
internal sealed class LoadOptions
{
    /// <summary>Concurrent SSH sessions, each with its own SFTP channel and directory. Default 500.</summary>
    public int Sessions { get; set; } = 500;

    /// <summary>How long the sessions run operations once started. Default 5 minutes.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sessions are started evenly over this time. Default 20 s.</summary>
    public TimeSpan RampUp { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Mean pause between two operations of one session (uniform 0..2×). Default 4 s.</summary>
    public TimeSpan Think { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Smallest and largest upload (sizes are log-uniform between). Defaults 1 KiB and 4 MiB.</summary>
    public int MinSize { get; set; } = 1024;
    public int MaxSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most files a session keeps at once (past it, it deletes before uploading). Default 6.</summary>
    public int MaxFilesPerSession { get; set; } = 6;

    /// <summary>Seconds between two samples of the server process. Default 5.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most the server's RSS may grow from the end of warm-up to its largest later sample while every session is
    /// connected: the larger of <see cref="RssGrowthMiB"/> (default 128 MiB) and <see cref="RssGrowthPercent"/>
    /// (default 20 %) of the RSS at warm-up. Warm-up ends at the first sample that sees every session connected, and
    /// no earlier than a quarter of the duration.
    /// </summary>
    public int RssGrowthMiB { get; set; } = 128;
    public int RssGrowthPercent { get; set; } = 20;

    /// <summary>Most open fds the server may hold above its baseline after every session closed. Default 8.</summary>
    public int FdSlack { get; set; } = 8;

    /// <summary>Target host and port; null host = start a server (child process unless <see cref="InProcess"/>).</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 2022;

    /// <summary>PID of an external server to sample (Linux /proc); 0 = not sampled.</summary>
    public int ServerPid { get; set; }

    /// <summary>Account name; its password comes from SFTPKIT_LOAD_PASSWORD (random for a server the tool starts).</summary>
    public string User { get; set; } = "load";

    /// <summary>
    /// Client key file (OpenSSH format) for public-key logins; null = password logins. For a server the tool starts,
    /// <c>--auth key</c> (the default) makes an ed25519 key with ssh-keygen; <c>--auth password</c> uses the password.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>"key" (default) or "password".</summary>
    public string Auth { get; set; } = "key";

    /// <summary>Run the server inside this process instead of a child process.</summary>
    public bool InProcess { get; set; }

    /// <summary>Seed of the operation and content generator; 0 = random.</summary>
    public int Seed { get; set; }

    /// <summary>Where to write a JSON summary (optional).</summary>
    public string? JsonPath { get; set; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LoadOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            TimeSpan Seconds() => TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
            switch (name)
            {
                case "--sessions": o.Sessions = Int(); break;
                case "--duration": o.Duration = Seconds(); break;
                case "--ramp-up": o.RampUp = Seconds(); break;
                case "--think": o.Think = Seconds(); break;
                case "--min-size": o.MinSize = Int(); break;
                case "--max-size": o.MaxSize = Int(); break;
                case "--max-files": o.MaxFilesPerSession = Int(); break;
                case "--sample": o.SampleInterval = Seconds(); break;
                case "--rss-growth-mib": o.RssGrowthMiB = Int(); break;
                case "--rss-growth-pct": o.RssGrowthPercent = Int(); break;
                case "--fd-slack": o.FdSlack = Int(); break;
                case "--host": o.Host = Next(); break;
                case "--port": o.Port = Int(); break;
                case "--server-pid": o.ServerPid = Int(); break;
                case "--user": o.User = Next(); break;
                case "--in-process": o.InProcess = true; break;
                case "--key": o.KeyFile = Next(); break;
                case "--auth": o.Auth = Next(); break;
                case "--seed": o.Seed = Int(); break;
                case "--json": o.JsonPath = Next(); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (o.Auth is not "key" and not "password")
        {
            throw new ArgumentException("--auth is key or password");
        }
        if (o.Sessions < 1 || o.MinSize < 1 || o.MaxSize < o.MinSize || o.MaxFilesPerSession < 1)
        {
            throw new ArgumentException("--sessions, --min-size, --max-files must be positive and --max-size ≥ --min-size");
        }
        return o;
    }
}
