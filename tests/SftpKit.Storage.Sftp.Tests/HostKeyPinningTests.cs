using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;
using SftpKit.Storage.Sftp;
using SftpKit.Testing;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>A remote server presenting a key that is not pinned is refused, and the refusal is logged with the key it presented.</summary>
public sealed class HostKeyPinningTests
{
    [Fact]
    public async Task A_host_key_that_is_not_pinned_refuses_the_connection_and_logs_why()
    {
        await using var host = await SftpTestHost.StartAsync(new SftpTestUser("remote", "remote-password-1"));
        var logs = new ListLogger();
        using var fs = new SftpRemoteFileSystem(new SftpRemoteOptions
        {
            Host = "127.0.0.1",
            Port = host.Port,
            UserName = "remote",
            Password = "remote-password-1",
            HostKeyFingerprints = ["SHA256:" + new string('A', 43)],
        }, logs);

        var error = await Assert.ThrowsAsync<VfsException>(() => fs.GetInfoAsync("/", true, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.Failure, error.Error);
        Assert.DoesNotContain("password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(logs.Lines, l => l.Contains("not pinned", StringComparison.Ordinal) && l.Contains(host.HostKeyFingerprint.TrimEnd('='), StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("remote-password-1", StringComparison.Ordinal));

        // The same server with its key pinned is accepted.
        using var pinned = new SftpRemoteFileSystem(new SftpRemoteOptions
        {
            Host = "127.0.0.1",
            Port = host.Port,
            UserName = "remote",
            Password = "remote-password-1",
            HostKeyFingerprints = [host.HostKeyFingerprint],
        });
        Assert.Equal(VfsFileType.Directory, (await pinned.GetInfoAsync("/", true, CancellationToken.None)).Type);
    }

    [Fact]
    public async Task A_remote_server_that_goes_away_gives_a_clean_error_and_no_hang()
    {
        var host = await SftpTestHost.StartAsync(new SftpTestUser("remote", "remote-password-1"));
        using var fs = new SftpRemoteFileSystem(new SftpRemoteOptions
        {
            Host = "127.0.0.1",
            Port = host.Port,
            UserName = "remote",
            Password = "remote-password-1",
            HostKeyFingerprints = [host.HostKeyFingerprint],
            MaxConnections = 1,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            OperationTimeout = TimeSpan.FromSeconds(5),
        });
        Assert.Equal(VfsFileType.Directory, (await fs.GetInfoAsync("/", true, CancellationToken.None)).Type);

        await host.DisposeAsync(); // the connection drops and nothing listens any more
        var error = await Assert.ThrowsAsync<VfsException>(() => fs.GetInfoAsync("/", true, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.Failure, error.Error);
        Assert.Contains("unavailable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_without_a_pinned_key_or_credentials_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SftpRemoteFileSystem(new SftpRemoteOptions { Host = "h", UserName = "u" }));
        Assert.Contains("HostKeyFingerprints", error.Message, StringComparison.Ordinal);
        Assert.Contains("Password or PrivateKey", error.Message, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<SftpRemoteFileSystem>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
