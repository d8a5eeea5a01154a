namespace SftpKit.Tests.Hosting;

using Renci.SshNet;
using SftpKit.Testing;
using Xunit;

public class UploadTests
{
    [Fact]
    public async Task Upload_lands_in_the_users_file_system()
    {
        // A real server on 127.0.0.1, a free port, one user whose files live in memory.
        await using var server = await SftpTestHost.StartAsync(new SftpTestUser("alice", "s3cret"));
        server.GetFileSystem("alice").AddFile("/inbox/readme.txt", "seeded"u8);

        using var client = new SftpClient(server.Host, server.Port, "alice", "s3cret");
        client.HostKeyReceived += (_, e) => e.CanTrust = "SHA256:" + e.FingerPrintSHA256 == server.HostKeyFingerprint;
        await client.ConnectAsync(CancellationToken.None);

        using (var upload = new MemoryStream("hello from my app"u8.ToArray()))
        {
            await client.UploadFileAsync(upload, "/inbox/report.csv", CancellationToken.None);
        }
        var names = new List<string>();
        await foreach (var entry in client.ListDirectoryAsync("/inbox", CancellationToken.None))
        {
            names.Add(entry.Name);
        }
        client.Disconnect();

        Assert.Equal("hello from my app"u8.ToArray(), server.GetFileSystem("alice").ReadAllBytes("/inbox/report.csv"));
        Assert.Contains("readme.txt", names);
    }
}
