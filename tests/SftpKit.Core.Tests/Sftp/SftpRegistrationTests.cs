using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

public class SftpRegistrationTests
{
    private sealed class FixedProvider : ISftpFileSystemProvider
    {
        public static readonly InMemoryFileSystem Fs = new();

        public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) => ValueTask.FromResult<IVirtualFileSystem>(Fs);
    }

    [Fact]
    public void AddSftp_RegistersSubsystemOnce_WithOptions()
    {
        var services = new ServiceCollection();
        services.AddSftpServer().AddSftp(o => o.MaxOpenHandles = 9).AddSftp().AddFileSystemProvider<FixedProvider>();
        using var provider = services.BuildServiceProvider();
        var handlers = provider.GetServices<ISshSubsystemHandler>().ToList();
        Assert.Single(handlers);
        Assert.Equal("sftp", handlers[0].Name);
        Assert.Equal(9, provider.GetRequiredService<IOptions<SftpSubsystemOptions>>().Value.MaxOpenHandles);
        Assert.IsType<FixedProvider>(provider.GetRequiredService<ISftpFileSystemProvider>());
    }

    [Fact]
    public async Task PrincipalProvider_UsesTheFileSystemFeature_ThenHomeDirectory()
    {
        var fs = new InMemoryFileSystem();
        var principal = new SshPrincipal("u").SetFeature<IVirtualFileSystem>(fs);
        var provider = new PrincipalFileSystemProvider();
        Assert.Same(fs, await provider.GetFileSystemAsync(principal, default));

        string home = Path.Combine(Path.GetTempPath(), "sftpkit-home-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        try
        {
            Assert.IsType<LocalFileSystem>(await provider.GetFileSystemAsync(new SshPrincipal("u", home), default));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.GetFileSystemAsync(new SshPrincipal("u"), default));
    }
}
