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
        string? keyDirectory = null;
        int port = options.Port;
        int pid = options.ServerPid;
        try
        {
            string? authorizedKey = null;
            if (options.Host is null && options.Auth == "key" && options.KeyFile is null)
            {
                keyDirectory = Path.Combine(Path.GetTempPath(), "sftpkit-loadkey-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(keyDirectory);
                options.KeyFile = Path.Combine(keyDirectory, "client_ed25519");
                await MakeKeyAsync(options.KeyFile);
                authorizedKey = options.KeyFile + ".pub";
            }
            if (options.Host is null && options.InProcess)
            {
                string root = Path.Combine(Path.GetTempPath(), "sftpkit-load-" + Guid.NewGuid().ToString("N")[..12]);
                inProcess = await LoadServer.StartAsync(root, 0, options.User, password, authorizedKey, CancellationToken.None);
                port = inProcess.Port;
                pid = Environment.ProcessId;
            }
            else if (options.Host is null)
            {
                child = await ServerProcess.StartAsync(options.User, password, authorizedKey, CancellationToken.None);
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
            if (keyDirectory is not null)
            {
                Directory.Delete(keyDirectory, recursive: true);
            }
        }
    }

    private async Task<int> RunLoadAsync(string host, int port, string password, ProcessProbe? probe)
    {
        Console.WriteLine($"SftpKit load: {options.Sessions} sessions, ramp-up {options.RampUp.TotalSeconds:0}s, duration {options.Duration.TotalSeconds:0}s, "
            + $"think {options.Think.TotalSeconds:0.#}s, auth {options.Auth}, sizes {options.MinSize}..{options.MaxSize} B, target {host}:{port}"
            + (probe is null ? "" : $" (server pid {probe.Pid})"));
        var clock = Stopwatch.StartNew();

        // One short session first, so lazily created server state (thread pool, epoll, key material) is in the baseline.
        ConnectionInfo Connect()
        {
            ConnectionInfo info = options.Auth == "key" && options.KeyFile is not null
                ? new PrivateKeyConnectionInfo(host, port, options.User, new PrivateKeyFile(options.KeyFile))
                : new PasswordConnectionInfo(host, port, options.User, password);
            info.Timeout = TimeSpan.FromSeconds(120);
            return info;
        }
        await WarmUpAsync(Connect);
        await Task.Delay(TimeSpan.FromSeconds(2));
        ProcessSample? baseline = probe?.Sample(clock.Elapsed);

        using var stopSampling = new CancellationTokenSource();
        var sampler = probe is null ? Task.CompletedTask : SampleAsync(probe, clock, stopSampling.Token);

        var loadStart = clock.Elapsed;
        var loadStartUtc = DateTime.UtcNow;
        var barrier = new LoadBarrier(options.Sessions, options.Duration);
        int seed = options.Seed != 0 ? options.Seed : Random.Shared.Next();
        var sessions = new List<Task>(options.Sessions);
        for (int i = 0; i < options.Sessions; i++)
        {
            var delay = options.RampUp * i / options.Sessions;
            var session = new LoadSession(i, options, Connect, _stats, HashCode.Combine(seed, i), barrier);
            sessions.Add(Task.Run(async () =>
            {
                await Task.Delay(delay);
                await session.RunAsync(CancellationToken.None);
            }));
        }
        await Task.WhenAll(sessions);
        var loadEnd = clock.Elapsed;
        // Warm-up ends a quarter into the duration, which starts when every session has logged in (the peak of the
        // ramp-up, with hundreds of key exchanges at once, is not steady state); the steady window ends with the duration.
        var allIn = loadStart + ((barrier.AllArrivedAt ?? DateTime.UtcNow) - loadStartUtc);
        var warmAt = allIn + options.Duration / 4;
        var steadyEnd = allIn + options.Duration;
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
        Console.WriteLine($"all {options.Sessions} sessions logged in at t={allIn.TotalSeconds:0}s (ramp-up {(allIn - loadStart).TotalSeconds:0}s)");
        return Report(baseline, end, warmAt, steadyEnd, loadStart, loadEnd, seed);
    }

    private static async Task MakeKeyAsync(string path)
    {
        var start = new ProcessStartInfo("ssh-keygen") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string arg in new[] { "-q", "-t", "ed25519", "-N", "", "-C", "sftpkit-load", "-f", path })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ssh-keygen did not start");
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("ssh-keygen failed: " + error);
        }
    }

    private static async Task WarmUpAsync(Func<ConnectionInfo> connect)
    {
        using var client = new SftpClient(connect());
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

    private int Report(ProcessSample? baseline, ProcessSample? end, TimeSpan warmAt, TimeSpan steadyEnd, TimeSpan loadStart, TimeSpan loadEnd, int seed)
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
            var later = samples.Where(x => x.At >= warmAt && x.At <= steadyEnd).ToList();
            var warm = later.FirstOrDefault();
            if (later.Count >= 2)
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
