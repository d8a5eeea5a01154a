using System.Diagnostics;
using MimeKit;

namespace SftpKit.Tests.Events.Email;

/// <summary>A real SMTP server (aiosmtpd) on 127.0.0.1 writing each message it receives to a temporary directory.</summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        const string python = "/usr/bin/python3";
        Requires.That(File.Exists(python), "python3", "install Debian's python3-aiosmtpd (scripts/test.sh does)");
        var check = Process.Start(new ProcessStartInfo(python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false })!;
        await check.WaitForExitAsync();
        Requires.That(check.ExitCode == 0, "the Python module aiosmtpd", "install Debian's python3-aiosmtpd (scripts/test.sh does)");
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-smtp-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo(python, [Path.Combine(AppContext.BaseDirectory, "smtp_sink.py"), directory])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The SMTP sink did not start: " + line);
        }
        return new SmtpSink(process, directory, int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits (polling, 30 s at most) for the next message file and parses it.</summary>
    public async Task<(MimeMessage Message, string RawHeaders)> NextMessageAsync(int number)
    {
        string path = Path.Combine(Directory, number.ToString("0000", System.Globalization.CultureInfo.InvariantCulture) + ".eml");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No message arrived at the SMTP sink.");
            }
            await Task.Delay(20);
        }
        byte[] raw = await File.ReadAllBytesAsync(path);
        var message = await MimeMessage.LoadAsync(new MemoryStream(raw));
        return (message, System.Text.Encoding.ASCII.GetString(raw, 0, Math.Min(raw.Length, 4096)));
    }

    public int MessageCount => System.IO.Directory.GetFiles(Directory, "*.eml").Length;

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
