using System.Security.Cryptography;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.FileSystem.Encrypted;

namespace SftpKit.Tests.Policies;

/// <summary>
/// An account on the <c>crypt</c> storage, through real clients: OpenSSH sftp (put, get, ls sizes, reput resuming an
/// interrupted upload), rclone (copy up, copy down, compare) and SSH.NET; the files on disk are ciphertext of the right stored size.
/// </summary>
public sealed class EncryptedStorageInteropTests : IClassFixture<AccountTestServer>
{
    private readonly AccountTestServer _server;

    public EncryptedStorageInteropTests(AccountTestServer server) => _server = server;

    private Task<SftpAccount> AddCryptAccountAsync(string user) => _server.AddAccountAsync(user, a =>
    {
        a.FileSystem = new SftpFileSystemConfig { Provider = "crypt" };
        a.FileSystem.Settings["passphrase"] = "a passphrase long enough for the test " + user;
    });

    [Fact]
    public async Task OpenSsh_put_get_ls_and_reput_round_trip_encrypted_at_rest()
    {
        string user = "crypt" + Guid.NewGuid().ToString("N")[..6];
        var account = await AddCryptAccountAsync(user);
        string local = _server.NewLocalDirectory();
        byte[] content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content);
        // A partial upload to resume: its first 1 MiB + 5 bytes, written through the server as well.
        await File.WriteAllBytesAsync(Path.Combine(local, "part.bin"), content.AsSpan(0, 1024 * 1024 + 5).ToArray());

        var run = await _server.SftpBatchAsync(user, local, "put up.bin /up.bin", "get /up.bin down.bin", "ls -l /up.bin",
            "put part.bin /resumed.bin", "reput up.bin /resumed.bin", "get /resumed.bin resumed.bin");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "down.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "resumed.bin")));
        Assert.Contains(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Text, StringComparison.Ordinal);

        string onDisk = Path.Combine(account.HomeDirectory!, "up.bin");
        Assert.Equal(EncryptedFileSystem.GetStoredSize(content.Length), new FileInfo(onDisk).Length);
        Assert.Equal(-1, (await File.ReadAllBytesAsync(onDisk)).AsSpan().IndexOf(content.AsSpan(1000, 64)));
    }

    [Fact]
    public async Task Rclone_copy_up_copy_down_compare_encrypted_at_rest()
    {
        string user = "cryptr" + Guid.NewGuid().ToString("N")[..6];
        var account = await AddCryptAccountAsync(user);

        await SftpKit.Tests.Interop.RcloneRoundTrip.RunAsync(_server.NewLocalDirectory(), _server.Port, user, _server.ClientKey, _server.KnownHostsFile, "rc");

        foreach (var (name, size) in SftpKit.Tests.Interop.RcloneRoundTrip.Sizes)
        {
            Assert.Equal(EncryptedFileSystem.GetStoredSize(size), new FileInfo(Path.Combine(account.HomeDirectory!, "rc", name)).Length);
        }
    }

    [Fact]
    public async Task SshNet_upload_download_and_size()
    {
        string user = "cryptn" + Guid.NewGuid().ToString("N")[..6];
        await AddCryptAccountAsync(user);
        using var client = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        byte[] content = RandomNumberGenerator.GetBytes(2_000_003);
        using (var upload = new MemoryStream(content))
        {
            client.UploadFile(upload, "file.bin");
        }
        Assert.Equal(content.Length, client.GetAttributes("file.bin").Size);
        using var download = new MemoryStream();
        client.DownloadFile("file.bin", download);
        Assert.Equal(content, download.ToArray());
    }
}
