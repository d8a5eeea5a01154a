using System.Diagnostics;
using System.Globalization;

namespace SftpKit.LoadTest;

/// <summary>
/// The tool's own server (<c>serve</c>) started as a child process, so its memory, fds and threads are measured apart
/// from the 500 clients. The child serves until its standard input closes, so it never outlives this process's pipe.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;

    private ServerProcess(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string user, string password, string? authorizedKeyFile, CancellationToken cancellationToken)
    {
        string root = Path.Combine(Path.GetTempPath(), "sftpkit-load-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        string self = Environment.ProcessPath!;
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }
        foreach (string arg in new[] { "serve", "--root", root, "--port", "0", "--user", user })
        {
            start.ArgumentList.Add(arg);
        }
        if (authorizedKeyFile is not null)
        {
            start.ArgumentList.Add("--authorized-key");
            start.ArgumentList.Add(authorizedKeyFile);
        }
        start.Environment[Program.PasswordVariable] = password;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("the server process exited before listening");
            }
            if (line.StartsWith(Program.ListeningPrefix, StringComparison.Ordinal))
            {
                int port = int.Parse(line.AsSpan(Program.ListeningPrefix.Length), CultureInfo.InvariantCulture);
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new ServerProcess(process, root, port);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
