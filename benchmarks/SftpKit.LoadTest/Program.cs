using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.LoadTest;

/// <summary>
/// SftpKit load generator. <c>run [options]</c> drives N concurrent SSH.NET sessions against a server (its own
/// child-process server by default) and exits 1 on any error, content mismatch or flatness failure;
/// <c>serve --root DIR [--port N] [--user NAME]</c> is that server (password from SFTPKIT_LOAD_PASSWORD).
/// </summary>
internal static class Program
{
    public const string PasswordVariable = "SFTPKIT_LOAD_PASSWORD";
    public const string ListeningPrefix = "LISTENING ";

    public static async Task<int> Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "serve")
            {
                return await ServeAsync(args[1..]);
            }
            var options = LoadOptions.Parse(args.Length > 0 && args[0] == "run" ? args[1..] : args);
            return await new LoadRunner(options).RunAsync();
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync("usage: SftpKit.LoadTest run [--sessions 500] [--duration 300] [--ramp-up 20] [--think 4] "
                + "[--min-size 1024] [--max-size 4194304] [--max-files 6] [--sample 5] [--rss-growth-mib 128] [--rss-growth-pct 20] [--fd-slack 8] "
                + "[--auth key|password] [--key FILE] [--host H --port P --user U --server-pid PID] [--in-process] [--seed N] [--json FILE]");
            await Console.Error.WriteLineAsync("       SftpKit.LoadTest serve --root DIR [--port 0] [--user load] [--authorized-key FILE.pub] [--slow-rule-delay SECONDS]");
            return 2;
        }
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        string? root = null;
        int port = 0;
        string user = "load";
        string? authorizedKey = null;
        var slowRuleDelay = TimeSpan.Zero;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--root": root = args[i + 1]; break;
                case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--user": user = args[i + 1]; break;
                case "--authorized-key": authorizedKey = args[i + 1]; break;
                case "--slow-rule-delay": slowRuleDelay = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (root is null)
        {
            throw new ArgumentException("serve needs --root");
        }
        string password = Environment.GetEnvironmentVariable(PasswordVariable)
            ?? throw new ArgumentException($"serve needs the password in {PasswordVariable}");
        await using var server = await LoadServer.StartAsync(root, port, user, password, authorizedKey, CancellationToken.None, slowRuleDelay);
        Console.WriteLine(ListeningPrefix + server.Port.ToString(CultureInfo.InvariantCulture));
        // Serve until the parent closes our standard input (or the process is signalled).
        var stop = new TaskCompletionSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        _ = Task.Run(async () =>
        {
            await Console.In.ReadToEndAsync();
            stop.TrySetResult();
        });
        if (Environment.GetEnvironmentVariable("SFTPKIT_LOAD_GC_STATS") == "1")
        {
            _ = Task.Run(async () =>
            {
                while (!stop.Task.IsCompleted)
                {
                    var info = GC.GetGCMemoryInfo();
                    await Console.Error.WriteLineAsync($"gc heap {info.HeapSizeBytes >> 20} MiB, committed {info.TotalCommittedBytes >> 20} MiB, "
                        + $"fragmented {info.FragmentedBytes >> 20} MiB, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, gen2 {GC.CollectionCount(2)}, "
                        + $"gen0 {GC.CollectionCount(0)}, working set {Environment.WorkingSet >> 20} MiB");
                    await Task.Delay(5000);
                }
            });
        }
        await stop.Task;
        if (slowRuleDelay > TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"slow hook requests answered: {server.HookRequests}");
        }
        return 0;
    }

    public static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
