using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SftpKit.Tests.Storage.S3;

/// <summary>Finds and starts s3rver (installed by scripts/test.sh into <c>$SFTPKIT_TOOLS</c>) on a loopback port.</summary>
internal static class S3rverProcess
{
    /// <summary>How a developer gets s3rver.</summary>
    public const string HowToGet = "scripts/test.sh installs it into $SFTPKIT_TOOLS (npm install --prefix ~/.cache/sftpkit-tools s3rver@3.7.1)";

    /// <summary>The s3rver executable, or null when it is not installed.</summary>
    public static string? Find()
    {
        string tools = Environment.GetEnvironmentVariable("SFTPKIT_TOOLS")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "sftpkit-tools");
        string path = Path.Combine(tools, "node_modules", ".bin", "s3rver");
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Starts s3rver on 127.0.0.1:<paramref name="port"/> over <paramref name="dataDirectory"/> (plus
    /// <paramref name="extraArguments"/>, e.g. <c>--key</c>/<c>--cert</c> for TLS) and waits up to 30 s for it to listen.
    /// </summary>
    public static async Task<Process> StartAsync(string path, string dataDirectory, int port, params string[] extraArguments)
    {
        // s3rver makes continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
        var info = new ProcessStartInfo(path) { Environment = { ["NODE_OPTIONS"] = "--openssl-legacy-provider" } };
        foreach (string arg in new[] { "-d", dataDirectory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" }.Concat(extraArguments))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Interop.ProcessRunner.StartDrained(info);
        for (int i = 0; i < 300; i++)
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
                    throw new InvalidOperationException($"s3rver exited at start (exit code {process.ExitCode}).");
                }
                await Task.Delay(100);
            }
        }
        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException("s3rver did not listen within 30 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
