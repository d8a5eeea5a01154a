using SftpKit.FileSystem;
using SftpKit.Storage.Sftp;
using SftpKit.Testing;
using SftpKit.Tests.FileSystem;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>The file-system contract against OpenSSH's sshd (internal-sftp), each test in a directory of its own.</summary>
public sealed class OpenSshRemoteContractTests(OpenSshServer sshd) : FileSystemContractTests, IClassFixture<OpenSshServer>
{
    private SftpRemoteFileSystem? _fs;

    protected override IReadOnlyCollection<Type> ExpectedCapabilities { get; } = [];

    protected override bool KeepsAttributes => false;

    // SFTP v3 has no "not a directory" status: a name under a file is "no such file".
    protected override VfsError StatUnderFile => VfsError.NotFound;

    public override ValueTask InitializeAsync()
    {
        Requires.That(sshd.Unavailable is null, sshd.Unavailable ?? "", "install openssh-server (scripts/test.sh does)");
        return base.InitializeAsync();
    }

    protected override IVirtualFileSystem CreateFileSystem() => _fs = new SftpRemoteFileSystem(new SftpRemoteOptions
    {
        Host = "127.0.0.1",
        Port = sshd.Port,
        UserName = sshd.UserName,
        PrivateKey = sshd.ClientPrivateKey,
        HostKeyFingerprints = [sshd.HostKeyFingerprint],
        BaseDirectory = sshd.NewBaseDirectory(),
    });

    public override ValueTask DisposeAsync()
    {
        _fs?.Dispose();
        return base.DisposeAsync();
    }
}

/// <summary>The file-system contract against SftpKit itself (an in-memory test host) as the remote server.</summary>
public sealed class SftpKitRemoteContractTests : FileSystemContractTests
{
    private SftpTestHost? _host;
    private SftpRemoteFileSystem? _fs;

    protected override IReadOnlyCollection<Type> ExpectedCapabilities { get; } = [];

    protected override bool KeepsAttributes => false;

    // SFTP v3 has no "not a directory" status: a name under a file is "no such file".
    protected override VfsError StatUnderFile => VfsError.NotFound;

    public override async ValueTask InitializeAsync()
    {
        _host = await SftpTestHost.StartAsync(new SftpTestUser("remote", "remote-password-1"));
        await base.InitializeAsync();
    }

    protected override IVirtualFileSystem CreateFileSystem() => _fs = new SftpRemoteFileSystem(new SftpRemoteOptions
    {
        Host = "127.0.0.1",
        Port = _host!.Port,
        UserName = "remote",
        Password = "remote-password-1",
        HostKeyFingerprints = [_host.HostKeyFingerprint],
    });

    public override async ValueTask DisposeAsync()
    {
        _fs?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
