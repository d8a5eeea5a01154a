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
    public async Task DefaultProvider_UsesTheFileSystemFeature_ThenHomeDirectory()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddSftp();
        using var sp = services.BuildServiceProvider();
        var provider = sp.GetRequiredService<ISftpFileSystemProvider>();

        // The attached file system is the session's storage (behind the policy layer).
        var fs = new InMemoryFileSystem();
        await fs.CreateDirectoryAsync("/attached", default);
        var session = await provider.GetFileSystemAsync(new SshPrincipal("u").SetFeature<IVirtualFileSystem>(fs), default);
        Assert.Equal(VfsFileType.Directory, (await session.GetInfoAsync("/attached", true, default)).Type);

        string home = Path.Combine(Path.GetTempPath(), "sftpkit-home-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "on-disk"));
        try
        {
            var local = await provider.GetFileSystemAsync(new SshPrincipal("u", home), default);
            Assert.Equal(VfsFileType.Directory, (await local.GetInfoAsync("/on-disk", true, default)).Type);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.GetFileSystemAsync(new SshPrincipal("u"), default));
    }
}
