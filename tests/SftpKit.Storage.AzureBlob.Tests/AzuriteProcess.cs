using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>Finds and starts Azurite's blob service (installed by scripts/test.sh into <c>$SFTPKIT_TOOLS</c>) on a loopback port.</summary>
internal static class AzuriteProcess
{
    /// <summary>Azurite's well-known development account and key (public, documented by the emulator).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How a developer gets Azurite.</summary>
    public const string HowToGet = "scripts/test.sh installs it into $SFTPKIT_TOOLS (npm install --prefix ~/.cache/sftpkit-tools azurite@3.37.0) and starts it";

    /// <summary>The azurite-blob executable, or null when it is not installed.</summary>
    public static string? Find()
    {
        string tools = Environment.GetEnvironmentVariable("SFTPKIT_TOOLS")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "sftpkit-tools");
        string path = Path.Combine(tools, "node_modules", ".bin", "azurite-blob");
        return File.Exists(path) ? path : null;
    }

    /// <summary>Starts azurite-blob on 127.0.0.1:<paramref name="port"/> over <paramref name="dataDirectory"/>; waits up to 60 s for it to listen.</summary>
    public static async Task<Process> StartAsync(string path, string dataDirectory, int port)
    {
        var info = new ProcessStartInfo(path);
        foreach (string arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", dataDirectory,
            "--loose", "--skipApiVersionCheck", "--silent" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Interop.ProcessRunner.StartDrained(info);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"azurite-blob exited at start (exit code {process.ExitCode}).");
                }
                await Task.Delay(100);
            }
        }
        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException("azurite-blob did not listen within 60 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
