using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Renci.SshNet;

namespace SftpKit.LoadTest;

/// <summary>
/// Starts (or targets) the server, holds <see cref="LoadOptions.Sessions"/> sessions for the duration while sampling
/// the server process, then checks: no error, no mismatch, every session connected, RSS after warm-up within the
/// stated bound, and the server's fd count back near its baseline once every session closed.
/// </summary>
internal sealed class LoadRunner(LoadOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly LoadStats _stats = new();
    private readonly List<(ProcessSample Sample, long Active, long Operations)> _rows = [];

    public async Task<int> RunAsync()
    {
        string password = Environment.GetEnvironmentVariable(Program.PasswordVariable) ?? Program.NewPassword();
        ServerProcess? child = null;
        LoadServer? inProcess = null;
        string host = options.Host ?? "127.0.0.1";
        int port = options.Port;
        int pid = options.ServerPid;
        try
        {
            if (options.Host is null && options.InProcess)
            {
                string root = Path.Combine(Path.GetTempPath(), "sftpkit-load-" + Guid.NewGuid().ToString("N")[..12]);
                inProcess = await LoadServer.StartAsync(root, 0, options.User, password, CancellationToken.None);
                port = inProcess.Port;
                pid = Environment.ProcessId;
            }
            else if (options.Host is null)
            {
                child = await ServerProcess.StartAsync(options.User, password, CancellationToken.None);
                port = child.Port;
                pid = child.Pid;
            }
            return await RunLoadAsync(host, port, password, pid == 0 ? null : new ProcessProbe(pid));
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }
            if (inProcess is not null)
            {
                await inProcess.DisposeAsync();
            }
        }
    }

    private async Task<int> RunLoadAsync(string host, int port, string password, ProcessProbe? probe)
    {
        Console.WriteLine($"SftpKit load: {options.Sessions} sessions, ramp-up {options.RampUp.TotalSeconds:0}s, duration {options.Duration.TotalSeconds:0}s, "
            + $"think {options.Think.TotalSeconds:0.#}s, sizes {options.MinSize}..{options.MaxSize} B, target {host}:{port}"
            + (probe is null ? "" : $" (server pid {probe.Pid})"));
        var clock = Stopwatch.StartNew();

        // One short session first, so lazily created server state (thread pool, epoll, key material) is in the baseline.
        await WarmUpAsync(host, port, password);
        await Task.Delay(TimeSpan.FromSeconds(2));
        ProcessSample? baseline = probe?.Sample(clock.Elapsed);

        using var stopSampling = new CancellationTokenSource();
        var sampler = probe is null ? Task.CompletedTask : SampleAsync(probe, clock, stopSampling.Token);

        var loadStart = clock.Elapsed;
        var deadline = DateTime.UtcNow + options.RampUp + options.Duration;
        var warmAt = loadStart + options.RampUp + options.Duration / 4;
        int seed = options.Seed != 0 ? options.Seed : Random.Shared.Next();
        var sessions = new List<Task>(options.Sessions);
        for (int i = 0; i < options.Sessions; i++)
        {
            var delay = options.RampUp * i / options.Sessions;
            var session = new LoadSession(i, options, host, port, password, _stats, HashCode.Combine(seed, i));
            sessions.Add(Task.Run(async () =>
            {
                await Task.Delay(delay);
                await session.RunAsync(deadline, CancellationToken.None);
            }));
        }
        await Task.WhenAll(sessions);
        var loadEnd = clock.Elapsed;
        await stopSampling.CancelAsync();
        await sampler;

        ProcessSample? end = null;
        if (probe is not null && baseline is { } b)
        {
            // The server closes sessions asynchronously after the clients' disconnects: give it a bounded while.
            for (int i = 0; i < 60; i++)
            {
                end = probe.Sample(clock.Elapsed);
                if (end.Value.OpenFds <= b.OpenFds + options.FdSlack)
                {
                    break;
                }
                await Task.Delay(500);
            }
        }
        return Report(baseline, end, warmAt, loadStart, loadEnd, seed);
    }

    private async Task WarmUpAsync(string host, int port, string password)
    {
        using var client = new SftpClient(new PasswordConnectionInfo(host, port, options.User, password) { Timeout = TimeSpan.FromSeconds(60) });
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        await foreach (var _ in client.ListDirectoryAsync("/", CancellationToken.None))
        {
        }
        client.Disconnect();
    }

    private async Task SampleAsync(ProcessProbe probe, Stopwatch clock, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{"t (s)",7} {"sessions",8} {"ops",8} {"errors",6} {"RSS MiB",8} {"fds",6} {"threads",7}");
        while (!cancellationToken.IsCancellationRequested)
        {
            var sample = probe.Sample(clock.Elapsed);
            lock (_rows)
            {
                _rows.Add((sample, _stats.Active, _stats.Operations));
            }
            Console.WriteLine($"{sample.At.TotalSeconds,7:0} {_stats.Active,8} {_stats.Operations,8} {_stats.Errors + _stats.Mismatches,6} {sample.RssMiB,8:0.0} {sample.OpenFds,6} {sample.Threads,7}");
            try
            {
                await Task.Delay(options.SampleInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private int Report(ProcessSample? baseline, ProcessSample? end, TimeSpan warmAt, TimeSpan loadStart, TimeSpan loadEnd, int seed)
    {
        var failures = new List<string>();
        var s = _stats;
        double seconds = (loadEnd - loadStart).TotalSeconds;
        var text = new StringBuilder();
        text.AppendLine(Inv, $"seed {seed}; load phase {seconds:0} s");
        text.AppendLine(Inv, $"sessions held: {s.Connected}/{options.Sessions} connected, {s.CompletedSessions} completed cleanly");
        text.AppendLine(Inv, $"operations: {s.Operations} (uploads {s.Uploads}, downloads {s.Downloads}, listings {s.Listings}, renames {s.Renames}, deletes {s.Deletes}), {s.Operations / Math.Max(seconds, 1):0.0}/s");
        text.AppendLine(Inv, $"bytes uploaded: {s.BytesUploaded / 1048576.0:0.0} MiB; verified by SHA-256: {s.FilesVerified} files, {s.BytesVerified / 1048576.0:0.0} MiB");
        text.AppendLine(Inv, $"errors: {s.Errors}; mismatches: {s.Mismatches}");
        foreach (string e in s.FirstErrors)
        {
            text.AppendLine("  " + e);
        }
        if (s.Errors > 0)
        {
            failures.Add($"{s.Errors} errors");
        }
        if (s.Mismatches > 0)
        {
            failures.Add($"{s.Mismatches} content or listing mismatches");
        }
        if (s.Connected != options.Sessions || s.CompletedSessions != options.Sessions)
        {
            failures.Add($"only {s.Connected} sessions connected and {s.CompletedSessions} completed of {options.Sessions}");
        }
        if (s.Operations == 0 || s.FilesVerified == 0)
        {
            failures.Add("no operation ran");
        }

        double? warmRss = null, maxAfterWarm = null;
        if (baseline is { } b && end is { } e2)
        {
            List<ProcessSample> samples;
            lock (_rows)
            {
                samples = _rows.Select(r => r.Sample).ToList();
            }
            // Warm-up ends at the first sample that sees every session connected (the peak of the ramp-up, when
            // 500 key exchanges run at once, is not steady state) and no earlier than a quarter into the duration.
            long mostActive;
            List<(ProcessSample Sample, long Active, long Operations)> rows;
            lock (_rows)
            {
                rows = [.. _rows];
            }
            mostActive = rows.Count == 0 ? 0 : rows.Max(r => r.Active);
            var steady = rows.Where(r => r.Active == mostActive && r.Sample.At >= warmAt).Select(r => r.Sample).ToList();
            var warm = steady.FirstOrDefault();
            var later = steady.Count == 0 ? [] : samples.Where(x => x.At >= warm.At && x.At <= steady[^1].At).ToList();
            if (later.Count >= 2 && steady.Count > 0)
            {
                warmRss = warm.RssMiB;
                maxAfterWarm = later.Max(x => x.RssMiB);
            }
            var peak = samples.Count > 0 ? samples.MaxBy(x => x.RssBytes) : b;
            text.AppendLine("server process:       RSS MiB    fds  threads");
            text.AppendLine(Inv, $"  baseline        {b.RssMiB,9:0.0} {b.OpenFds,6} {b.Threads,8}");
            if (warmRss is not null)
            {
                text.AppendLine(Inv, $"  after warm-up   {warm.RssMiB,9:0.0} {warm.OpenFds,6} {warm.Threads,8}   (t={warm.At.TotalSeconds:0}s)");
            }
            text.AppendLine(Inv, $"  peak RSS        {peak.RssMiB,9:0.0} {peak.OpenFds,6} {peak.Threads,8}   (t={peak.At.TotalSeconds:0}s)");
            text.AppendLine(Inv, $"  after close     {e2.RssMiB,9:0.0} {e2.OpenFds,6} {e2.Threads,8}");
            if (e2.OpenFds > b.OpenFds + options.FdSlack)
            {
                failures.Add($"server holds {e2.OpenFds} fds after every session closed, baseline {b.OpenFds} (+{options.FdSlack} allowed)");
            }
            double bound = warmRss is null ? 0 : Math.Max(options.RssGrowthMiB, warmRss.Value * options.RssGrowthPercent / 100.0);
            if (warmRss is not null)
            {
                text.AppendLine(Inv, $"  RSS growth after warm-up: {maxAfterWarm - warmRss:0} MiB (bound {bound:0} MiB = max({options.RssGrowthMiB} MiB, {options.RssGrowthPercent}% of warm-up RSS))");
            }
            if (warmRss is not null && maxAfterWarm - warmRss > bound)
            {
                failures.Add($"server RSS grew {maxAfterWarm - warmRss:0} MiB after warm-up (bound {bound:0} MiB)");
            }
            else if (warmRss is null)
            {
                text.AppendLine("  (too few samples after warm-up to judge RSS growth)");
            }
        }
        text.AppendLine(failures.Count == 0 ? "RESULT: PASS" : "RESULT: FAIL: " + string.Join("; ", failures));
        Console.Write(text.ToString());

        if (options.JsonPath is not null)
        {
            var json = new Dictionary<string, object?>
            {
                ["sessions"] = options.Sessions, ["connected"] = s.Connected, ["completed"] = s.CompletedSessions,
                ["seconds"] = Math.Round(seconds), ["operations"] = s.Operations, ["uploads"] = s.Uploads, ["downloads"] = s.Downloads,
                ["listings"] = s.Listings, ["renames"] = s.Renames, ["deletes"] = s.Deletes, ["bytesUploaded"] = s.BytesUploaded,
                ["filesVerified"] = s.FilesVerified, ["bytesVerified"] = s.BytesVerified, ["errors"] = s.Errors, ["mismatches"] = s.Mismatches,
                ["baselineFds"] = baseline?.OpenFds, ["endFds"] = end?.OpenFds, ["baselineThreads"] = baseline?.Threads, ["endThreads"] = end?.Threads,
                ["baselineRssMiB"] = baseline?.RssMiB, ["warmRssMiB"] = warmRss, ["maxRssAfterWarmMiB"] = maxAfterWarm, ["endRssMiB"] = end?.RssMiB,
                ["failures"] = failures,
            };
            File.WriteAllText(options.JsonPath, JsonSerializer.Serialize(json));
        }
        return failures.Count == 0 ? 0 : 1;
    }
}
