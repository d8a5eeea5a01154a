using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Renci.SshNet;
using SftpKit.Tests.Interop;

namespace SftpKit.Server.Tests;

/// <summary>
/// The built sample (<c>dotnet SftpKit.Server.dll</c>) as a child process on 127.0.0.1: SFTP and the admin API on
/// free ports (<c>--port 0</c>, <c>SFTPKIT__HTTP__URLS=http://127.0.0.1:0</c>), read back from its start event (9000)
/// in the JSON log lines. Killed, with its process tree, on dispose.
/// </summary>
public sealed class SampleServerProcess : IAsyncDisposable
{
    public const string PasswordLinePrefix = "SftpKit initial admin password: ";

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();

    private SampleServerProcess(Process process, string configDirectory)
    {
        _process = process;
        ConfigDirectory = configDirectory;
    }

    public string ConfigDirectory { get; }

    public int SftpPort { get; private set; }

    public Uri? AdminUri { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>The server process's id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Every stdout line so far.</summary>
    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>The one-time admin password printed on first start, or null.</summary>
    public string? InitialAdminPassword => StandardOutput.Where(l => l.StartsWith(PasswordLinePrefix, StringComparison.Ordinal))
        .Select(l => l[PasswordLinePrefix.Length..].Split(' ')[0]).SingleOrDefault();

    /// <summary>
    /// Starts the sample with <paramref name="arguments"/> and waits (at most 90 s) for its start event, read from
    /// stdout or, when <paramref name="logDirectory"/> is given, from the log files there (gzipped ones included).
    /// </summary>
    public static async Task<SampleServerProcess> StartAsync(string configDirectory, IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null, string? logDirectory = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SampleDll());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["SFTPKIT__HTTP__URLS"] = "http://127.0.0.1:0";
        info.Environment.Remove(AdminPasswordVariable);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        var server = new SampleServerProcess(process, configDirectory);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._stdout)
                {
                    server._stdout.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (server._stderr)
            {
                server._stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = await WaitForAsync(() =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The sample exited with {process.ExitCode}: {server.Describe()}");
                }
                var lines = logDirectory is null ? server.StandardOutput : ReadLogLines(logDirectory);
                return lines.Select(TryParse).FirstOrDefault(j => j?["EventId"]?["Id"]?.GetValue<int>() == 9000);
            }, TimeSpan.FromSeconds(90));
            Assert.True(started is not null, "The sample did not log its start event in time: " + server.Describe());
            string endpoint = started["SftpEndpoints"]!.GetValue<string>().Split(", ")[0];
            server.SftpPort = IPEndPoint.Parse(endpoint).Port;
            string admin = started["AdminUrls"]!.GetValue<string>().Split(", ")[0];
            server.AdminUri = admin.StartsWith("http", StringComparison.Ordinal) ? new Uri(admin) : null;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public const string AdminPasswordVariable = "SFTPKIT_ADMIN_PASSWORD";

    /// <summary>A config directory under /tmp with a pre-made ed25519 host key in keys/ (the sample generates none then).</summary>
    public static async Task<string> NewConfigDirectoryAsync(bool withHostKey = true)
    {
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-sample-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(directory, "keys"));
        if (withHostKey)
        {
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "keys", "ssh_host_ed25519_key")]);
            Assert.True(keygen.ExitCode == 0, keygen.StandardError);
        }
        return directory;
    }

    /// <summary>Runs a CLI command of the sample (<c>users ...</c>, <c>initprovider</c>, <c>--version</c>) to completion.</summary>
    public static Task<ProcessRunner.Result> RunCliAsync(IEnumerable<string> arguments, string? input = null) =>
        ProcessRunner.RunAsync(DotnetHost(), [SampleDll(), .. arguments], input is null ? null : Encoding.UTF8.GetBytes(input),
            timeout: TimeSpan.FromSeconds(90));

    /// <summary>The known_hosts line for the server's ed25519 host key.</summary>
    public string KnownHostsLine() =>
        $"[127.0.0.1]:{SftpPort} {File.ReadAllText(Path.Combine(ConfigDirectory, "keys", "ssh_host_ed25519_key.pub")).Trim()}";

    public async Task<string> WriteKnownHostsAsync()
    {
        string path = Path.Combine(ConfigDirectory, "known_hosts");
        await File.WriteAllTextAsync(path, KnownHostsLine() + "\n");
        return path;
    }

    /// <summary>An SSH.NET client that trusts only the server's ed25519 host key.</summary>
    public SftpClient SftpClient(string userName, string password)
    {
        string line = File.ReadAllText(Path.Combine(ConfigDirectory, "keys", "ssh_host_ed25519_key.pub"));
        string fingerprint = Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(line.Split(' ')[1]))).TrimEnd('=');
        var connection = new ConnectionInfo("127.0.0.1", SftpPort, userName, new PasswordAuthenticationMethod(userName, password))
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        connection.HostKeyAlgorithms.Keys.Where(k => k != "ssh-ed25519").ToList().ForEach(k => connection.HostKeyAlgorithms.Remove(k));
        var client = new SftpClient(connection) { OperationTimeout = TimeSpan.FromSeconds(30) };
        client.HostKeyReceived += (_, e) => e.CanTrust = e.FingerPrintSHA256 == fingerprint;
        return client;
    }

    /// <summary>
    /// <c>setsid -w sftp ... USER@127.0.0.1</c> logging in with a password answered through SSH_ASKPASS (no terminal),
    /// the host key pinned: the arguments and the environment.
    /// </summary>
    public async Task<(List<string> Arguments, Dictionary<string, string> Environment)> OpenSshSftpAsync(string userName, string password)
    {
        string knownHosts = await WriteKnownHostsAsync();
        string askpass = Path.Combine(ConfigDirectory, "askpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(askpass, $"#!/bin/sh\nprintf '%s\\n' '{password.Replace("'", "'\\''", StringComparison.Ordinal)}'\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        List<string> arguments =
        [
            "-w", "sftp", "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password",
            "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
            "-P", SftpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{userName}@127.0.0.1",
        ];
        var environment = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        return (arguments, environment);
    }

    /// <summary>Runs OpenSSH <c>sftp</c> with <paramref name="commands"/> on stdin (after <c>lcd</c>) to the end, at most 90 s.</summary>
    public async Task<ProcessRunner.Result> RunOpenSshSftpAsync(string userName, string password, string commands, string localDirectory)
    {
        var (arguments, environment) = await OpenSshSftpAsync(userName, password);
        return await ProcessRunner.RunAsync("setsid", arguments, Encoding.UTF8.GetBytes($"lcd {localDirectory}\n{commands}\nbye\n"), environment);
    }

    public HttpClient AdminClient(string? token = null)
    {
        Assert.NotNull(AdminUri);
        var client = new HttpClient { BaseAddress = AdminUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>POST /api/v2/token with HTTP Basic; the JWT.</summary>
    public async Task<string> TokenAsync(string admin, string password)
    {
        using var client = AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(admin + ":" + password)));
        using var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {response.StatusCode} {body}");
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>Every line of the *.log files in <paramref name="directory"/> and of the *.gz archives, decompressed.</summary>
    public static List<string> ReadLogLines(string directory)
    {
        var lines = new List<string>();
        if (!Directory.Exists(directory))
        {
            return lines;
        }
        foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (file.EndsWith(".gz", StringComparison.Ordinal))
                {
                    using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
                    lines.AddRange(reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
                else if (file.EndsWith(".log", StringComparison.Ordinal))
                {
                    using var reader = new StreamReader(stream);
                    lines.AddRange(reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                // Rotated or compressed away between listing and reading; the next poll sees its successor.
            }
        }
        return lines;
    }

    public static JsonNode? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(line);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Polls <paramref name="probe"/> every 200 ms until it returns non-null or <paramref name="timeout"/> passes.</summary>
    public static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                return null;
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms, at most <paramref name="timeout"/>; true once it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(250);
        }
        return true;
    }

    public string Describe()
    {
        lock (_stderr)
        {
            return $"stdout:\n{string.Join('\n', StandardOutput.TakeLast(40))}\nstderr:\n{_stderr}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
        }
        _process.Dispose();
    }

    /// <summary>samples/SftpKit.Server/bin/CONFIG/TFM/SftpKit.Server.dll for this test assembly's CONFIG and TFM.</summary>
    public static string SampleDll() => ProcessRunner.BuiltAssembly("samples/SftpKit.Server", "SftpKit.Server");

    public static string DotnetHost() => ProcessRunner.DotnetHost();
}
