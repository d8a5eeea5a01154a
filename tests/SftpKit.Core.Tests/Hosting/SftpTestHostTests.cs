using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Testing;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Hosting;

/// <summary>The in-memory test host a host app starts from its own tests, driven by SSH.NET and OpenSSH.</summary>
public sealed class SftpTestHostTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sftpkit-testhost-" + Guid.NewGuid().ToString("N")[..12]);

    public SftpTestHostTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SftpClient Connect(SftpTestHost server, ConnectionInfo? info = null, string user = "alice", string password = "pw")
    {
        var client = info is null ? new SftpClient(server.Host, server.Port, user, password) : new SftpClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = "SHA256:" + e.FingerPrintSHA256 == server.HostKeyFingerprint;
        client.Connect();
        return client;
    }

    [Fact]
    public void Readme_Example_Is_The_Tested_Code()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int section = readme.IndexOf("## Testing your app against SftpKit", StringComparison.Ordinal);
        Assert.True(section >= 0, "README section missing");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string example = readme[start..end];
        string tested = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests/SftpKit.Core.Tests/Hosting/ReadmeTestingExample.cs"))
            .Replace("namespace SftpKit.Tests.Hosting;\n\n", "", StringComparison.Ordinal);
        Assert.Equal(tested, example);
    }

    [Fact]
    public async Task Binds_A_Free_Loopback_Port_Per_Host_And_Reports_It()
    {
        await using var first = await SftpTestHost.StartAsync(new SftpTestUser("alice", "pw"));
        await using var second = await SftpTestHost.StartAsync(new SftpTestUser("alice", "pw"));
        Assert.Equal("127.0.0.1", first.Host);
        Assert.NotEqual(0, first.Port);
        Assert.NotEqual(first.Port, second.Port);
        var bound = Assert.Single(first.Services.GetRequiredService<ISftpServer>().EndPoints);
        Assert.Equal(first.EndPoint, bound);
        Assert.Matches("^SHA256:[A-Za-z0-9+/]{43}$", first.HostKeyFingerprint);
    }

    [Fact]
    public async Task Users_Log_In_By_Password_Or_Key_And_See_Only_Their_Own_Files()
    {
        string keyFile = Path.Combine(_dir, "bob_ed25519");
        await TestServer.KeyGenAsync(keyFile, "ed25519", "", pem: false);
        var bob = new SftpTestUser("bob") { AuthorizedKeys = [File.ReadAllText(keyFile + ".pub").Trim()] };
        bob.FileSystem.AddFile("/bob-only.txt", "b"u8);
        await using var server = await SftpTestHost.StartAsync(new SftpTestUser("alice", "pw"), bob);

        using (var alice = Connect(server))
        {
            Assert.False(alice.Exists("/bob-only.txt"));
            alice.WriteAllText("/alice.txt", "a");
        }
        var keyLogin = new ConnectionInfo(server.Host, server.Port, "bob", new PrivateKeyAuthenticationMethod("bob", new PrivateKeyFile(keyFile)));
        using (var client = Connect(server, keyLogin))
        {
            Assert.Equal("b", client.ReadAllText("/bob-only.txt"));
            Assert.False(client.Exists("/alice.txt"));
        }
        Assert.True(server.GetFileSystem("alice").Exists("/alice.txt"));
        Assert.False(server.GetFileSystem("bob").Exists("/alice.txt"));

        Assert.Throws<SshAuthenticationException>(() => Connect(server, password: "wrong").Dispose());
        Assert.Throws<SshAuthenticationException>(() => Connect(server, user: "bob", password: "").Dispose());
        Assert.Throws<SshAuthenticationException>(() => Connect(server, user: "mallory").Dispose());
        Assert.Throws<ArgumentException>(() => server.GetFileSystem("mallory"));
    }

    [Fact]
    public async Task Writes_No_Host_Key_Files_And_Pins_With_OpenSsh()
    {
        string keyDirectory = Path.Combine(_dir, "would-be-keys");
        string clientKey = Path.Combine(_dir, "client_ed25519");
        await TestServer.KeyGenAsync(clientKey, "ed25519", "", pem: false);
        var user = new SftpTestUser("carol") { AuthorizedKeys = [File.ReadAllText(clientKey + ".pub").Trim()] };
        user.FileSystem.AddFile("/hello.txt", "hello"u8);
        await using var server = await SftpTestHost.StartAsync([user], o => o.HostKeyDirectory = keyDirectory);

        string knownHosts = Path.Combine(_dir, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"[127.0.0.1]:{server.Port} {server.HostPublicKey}\n");
        var result = await ProcessRunner.RunAsync("ssh",
        [
            "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile={knownHosts}", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-i", clientKey, "carol@127.0.0.1", "sha256sum /hello.txt",
        ]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", result.Text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(keyDirectory));
    }

    [Fact]
    public async Task Refuses_Bad_Users_And_Options_At_Start()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SftpTestHost.StartAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => SftpTestHost.StartAsync(new SftpTestUser("a", "x"), new SftpTestUser("a", "y")));
        await Assert.ThrowsAsync<ArgumentException>(() => SftpTestHost.StartAsync(new SftpTestUser("a") { AuthorizedKeys = ["not a key"] }));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => SftpTestHost.StartAsync([new SftpTestUser("a", "x")], o => o.Limits.MaxAuthAttempts = 0));
        Assert.Contains("MaxAuthAttempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_Are_Accounts_Of_An_In_Memory_Store_That_Decides_Each_Login()
    {
        var user = new SftpTestUser("alice", "pw") { Account = new SftpKit.Accounts.SftpAccount { UserName = "ignored", QuotaFiles = 5 } };
        await using var server = await SftpTestHost.StartAsync(user);
        var store = server.Services.GetRequiredService<SftpKit.Accounts.ISftpUserStore>();
        var account = await store.FindAsync("alice", CancellationToken.None);
        Assert.NotNull(account);
        Assert.Null(await store.FindAsync("ignored", CancellationToken.None));
        Assert.Equal(5, account.QuotaFiles);
        Assert.StartsWith("$argon2id$", account.PasswordHash, StringComparison.Ordinal);
        Assert.Null(account.HomeDirectory);

        using (var client = Connect(server))
        {
            client.WriteAllText("/hello.txt", "hi");
        }
        Assert.Equal("hi"u8.ToArray(), server.GetFileSystem("alice").ReadAllBytes("/hello.txt"));
        account = await store.FindAsync("alice", CancellationToken.None);
        Assert.NotNull(account!.LastLogin);

        // The store, not a list fixed at start, decides: a disabled account is refused.
        account.Enabled = false;
        Assert.True(await store.UpdateAsync(account, CancellationToken.None));
        Assert.Throws<SshAuthenticationException>(() => Connect(server));
    }

    [Fact]
    public async Task Stops_On_Dispose()
    {
        var server = await SftpTestHost.StartAsync(new SftpTestUser("alice", "pw"));
        var endPoint = server.EndPoint;
        using (Connect(server))
        {
        }
        await server.DisposeAsync();
        await server.DisposeAsync();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => socket.ConnectAsync(endPoint));
    }

    private static string RepositoryRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SftpKit.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
