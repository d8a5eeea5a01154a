using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.Commands;
using SftpKit.Scp;
using SftpKit.Sftp;
using SftpKit.Tests.Commands;

namespace SftpKit.Tests.Scp;

public class ScpRegistrationAndTrickleTests
{
    [Fact]
    public void AddScp_AddHashCommands_RegisterOnce_WithSharedProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddSftp().AddScp().AddScp().AddHashCommands().AddHashCommands();
        using var provider = services.BuildServiceProvider();
        var handlers = provider.GetServices<ISshCommandHandler>().ToList();
        Assert.Equal(2, handlers.Count);
        Assert.Contains(handlers, h => h is ScpCommandHandler);
        Assert.Contains(handlers, h => h is ShellFreeCommandHandler);
        // Every login goes through the session pipeline (account → storage → folders → policies → events).
        Assert.IsType<SftpKit.Hosting.AccountFileSystemProvider>(provider.GetRequiredService<ISftpFileSystemProvider>());
    }

    /// <summary>Hands out one byte per read, as a slow client's CHANNEL_DATA might.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    [Fact]
    public async Task Sink_OneBytePerRead_SameResult()
    {
        var harness = new CommandTestHarness();
        var handler = new ScpCommandHandler(harness.Provider, NullLogger<ScpCommandHandler>.Instance);
        byte[] input = Encoding.UTF8.GetBytes("T1500000000 0 1500000000 0\nC0644 11 a.txt\nhello world\0C0644 0 b\n\0");
        var stdout = new MemoryStream();
        var context = new SshChannelContext(new SshPrincipal("u"), null, "t", new TrickleStream(input), stdout, new MemoryStream());
        Assert.Equal(0, await handler.ExecuteAsync(context, "scp -p -t /", default));
        Assert.Equal(new byte[6], stdout.ToArray());
        Assert.Equal("hello world", Encoding.UTF8.GetString(await harness.ReadFileAsync("/a.txt")));
        Assert.Empty(await harness.ReadFileAsync("/b"));
    }
}
