using System.Diagnostics;
using System.Globalization;
using Renci.SshNet;

namespace SftpKit.ConnectionRate;

/// <summary>
/// Full-login rate client for benchmarks/connection-rate.sh. Each login: TCP connect, key exchange, public-key
/// authentication, open the "sftp" subsystem (SFTP INIT/VERSION), one REALPATH ("." — SSH.NET's working directory),
/// disconnect. <c>--logins M</c> logins run with <c>--concurrency C</c> in flight, all in this one process (no fork,
/// no interpreter per login), so the client's own CPU per login is small and is printed for the reader to check.
/// <c>--kex NAME</c> keeps only that key exchange in the client's offer (default: SSH.NET's full default list).
/// Output (one line, key=value): logins, errors, seconds, rate, client CPU ms per login, negotiated algorithms.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string host = "127.0.0.1", user = "bench", key = "", kex = "";
        int port = 22, logins = 500, concurrency = 8, warmup = 0;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            switch (args[i])
            {
                case "--host": host = v; break;
                case "--port": port = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--user": user = v; break;
                case "--key": key = v; break;
                case "--kex": kex = v; break;
                case "--logins": logins = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(v, CultureInfo.InvariantCulture); break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}");
                    return 2;
            }
        }
        if (key.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: SftpKit.ConnectionRate --port P --user U --key FILE [--host 127.0.0.1] "
                + "[--logins 500] [--concurrency 8] [--warmup 0] [--kex curve25519-sha256]");
            return 2;
        }
        var keyFile = new PrivateKeyFile(key);
        ConnectionInfo NewConnectionInfo()
        {
            var info = new ConnectionInfo(host, port, user, new PrivateKeyAuthenticationMethod(user, keyFile))
            {
                Timeout = TimeSpan.FromSeconds(60),
            };
            if (kex.Length > 0)
            {
                if (!info.KeyExchangeAlgorithms.ContainsKey(kex))
                {
                    throw new ArgumentException($"SSH.NET does not offer kex {kex}");
                }
                foreach (string name in info.KeyExchangeAlgorithms.Keys.ToList())
                {
                    if (name != kex)
                    {
                        info.KeyExchangeAlgorithms.Remove(name);
                    }
                }
            }
            return info;
        }

        string negotiated = "";
        async Task<bool> LoginAsync(bool describe)
        {
            using var client = new SftpClient(NewConnectionInfo());
            client.HostKeyReceived += (_, e) => e.CanTrust = true;
            try
            {
                await client.ConnectAsync(CancellationToken.None);
                _ = client.WorkingDirectory; // the REALPATH "." answered during ConnectAsync
                if (describe)
                {
                    var ci = client.ConnectionInfo;
                    negotiated = $"kex={ci.CurrentKeyExchangeAlgorithm} hostkey={ci.CurrentHostKeyAlgorithm} "
                        + $"cipher={ci.CurrentServerEncryption} mac={ci.CurrentServerHmacAlgorithm}";
                }
                client.Disconnect();
                return true;
            }
            catch (Exception ex)
            {
                await Console.Error.WriteLineAsync($"login failed: {ex.GetType().Name}: {ex.Message}");
                return false;
            }
        }

        if (!await LoginAsync(describe: true))
        {
            return 1;
        }
        await RunAsync(warmup, concurrency, () => LoginAsync(false));

        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int errors = await RunAsync(logins, concurrency, () => LoginAsync(false));
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"logins={logins} errors={errors} seconds={seconds:F3} rate={(logins - errors) / seconds:F1} client_cpu_ms_per_login={cpuMs / logins:F3} {negotiated}"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Runs <paramref name="count"/> logins, at most <paramref name="concurrency"/> at once; returns failures.</summary>
    private static async Task<int> RunAsync(int count, int concurrency, Func<Task<bool>> login)
    {
        int next = -1, errors = 0;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < count)
            {
                if (!await login())
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        return errors;
    }
}
