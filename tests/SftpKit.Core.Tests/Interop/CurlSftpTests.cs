using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Interop;

/// <summary>
/// curl's <c>sftp://</c> and <c>scp://</c> (libssh2 1.10 on Debian 12, which offers no etm MAC) against a server
/// with the default algorithm offer: a listing after a public-key login, a password login's upload and download, and
/// SCP both ways. The host key is pinned with <c>--hostpubsha256</c>; HOME is the fixture's temp directory, so no
/// user known_hosts, key or .curlrc takes part.
/// </summary>
public sealed class CurlSftpTests : IClassFixture<SftpTestServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly SftpTestServer _server;

    public CurlSftpTests(SftpTestServer server) => _server = server;

    private string Url(string scheme, string path) =>
        $"{scheme}://127.0.0.1:{_server.Port.ToString(CultureInfo.InvariantCulture)}{path}";

    private string[] PublicKeyLogin => ["-u", SftpTestServer.UserName + ":", "--key", _server.ClientKey, "--pubkey", _server.ClientKey + ".pub"];

    private static string[] PasswordLogin => ["-u", $"{SftpTestServer.UserName}:{SftpTestServer.Password}"];

    [Fact]
    public void Fixture_offers_the_default_algorithms()
    {
        var offered = _server.Services.GetRequiredService<IOptions<SftpServerOptions>>().Value.Algorithms;
        var defaults = new SshAlgorithmOptions();

        Assert.Equal(defaults.KeyExchange, offered.KeyExchange);
        Assert.Equal(defaults.HostKeys, offered.HostKeys);
        Assert.Equal(defaults.Ciphers, offered.Ciphers);
        Assert.Equal(defaults.Macs, offered.Macs);
    }

    [Fact]
    public async Task Sftp_lists_the_home_directory_after_a_public_key_login()
    {
        string curl = await RequireCurlWithLibssh2Async();
        string name = "listed-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllTextAsync(Path.Combine(_server.Home, name + ".txt"), "listed");
        Directory.CreateDirectory(Path.Combine(_server.Home, name + "-dir"));

        var result = await CurlAsync(curl, HostKeySha256(), [.. PublicKeyLogin, Url("sftp", "/")]);

        AssertOk(result, "curl sftp:// listing");
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith('-') && l.EndsWith(" " + name + ".txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith('d') && l.EndsWith(" " + name + "-dir", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sftp_refuses_a_host_key_other_than_the_pinned_one()
    {
        string curl = await RequireCurlWithLibssh2Async();
        string otherKey = Convert.ToBase64String(SHA256.HashData("not the server's host key"u8));

        var result = await CurlAsync(curl, otherKey, [.. PublicKeyLogin, Url("sftp", "/")]);

        Assert.Equal(60, result.ExitCode); // CURLE_PEER_FAILED_VERIFICATION: the pin above is really checked
    }

    [Fact]
    public async Task Sftp_password_login_uploads_and_downloads()
    {
        string curl = await RequireCurlWithLibssh2Async();
        string id = Guid.NewGuid().ToString("N")[..8];
        string local = NewLocalDirectory();
        byte[] upload = RandomNumberGenerator.GetBytes(300_001); // several SFTP writes, the last one short
        string localFile = Path.Combine(local, "upload.bin");
        await File.WriteAllBytesAsync(localFile, upload);

        var put = await CurlAsync(curl, HostKeySha256(), [.. PasswordLogin, "-T", localFile, Url("sftp", $"/sftp-up-{id}.bin")]);

        AssertOk(put, "curl sftp:// upload");
        Assert.Equal(upload, await File.ReadAllBytesAsync(Path.Combine(_server.Home, $"sftp-up-{id}.bin")));

        byte[] download = RandomNumberGenerator.GetBytes(200_003);
        await File.WriteAllBytesAsync(Path.Combine(_server.Home, $"sftp-down-{id}.bin"), download);

        var get = await CurlAsync(curl, HostKeySha256(), [.. PasswordLogin, Url("sftp", $"/sftp-down-{id}.bin")]);

        AssertOk(get, "curl sftp:// download");
        Assert.Equal(download, get.StandardOutput);
    }

    [Fact]
    public async Task Scp_downloads_and_uploads()
    {
        string curl = await RequireCurlWithLibssh2Async();
        string id = Guid.NewGuid().ToString("N")[..8];
        byte[] download = RandomNumberGenerator.GetBytes(200_003);
        await File.WriteAllBytesAsync(Path.Combine(_server.Home, $"scp-down-{id}.bin"), download);

        var get = await CurlAsync(curl, HostKeySha256(), [.. PublicKeyLogin, Url("scp", $"/~/scp-down-{id}.bin")]);

        AssertOk(get, "curl scp:// download");
        Assert.Equal(download, get.StandardOutput);

        string local = NewLocalDirectory();
        byte[] upload = RandomNumberGenerator.GetBytes(300_001);
        string localFile = Path.Combine(local, "upload.bin");
        await File.WriteAllBytesAsync(localFile, upload);

        // libssh2 ends its input after the data instead of sending scp's final status byte: the file must be kept.
        var put = await CurlAsync(curl, HostKeySha256(), [.. PasswordLogin, "-T", localFile, Url("scp", $"/~/scp-up-{id}.bin")]);

        AssertOk(put, "curl scp:// upload");
        Assert.Equal(upload, await File.ReadAllBytesAsync(Path.Combine(_server.Home, $"scp-up-{id}.bin")));
    }

    private static async Task<string> RequireCurlWithLibssh2Async()
    {
        const string howToGet = "install Debian's curl package (apt-get install curl), which is built with libssh2";
        string curl = Requires.Tool("curl", howToGet);
        var version = await ProcessRunner.RunAsync(curl, ["-V"], timeout: s_timeout);
        string first = version.Text.Split('\n')[0].Trim();
        Requires.That(first.Contains(" libssh2/", StringComparison.Ordinal), $"curl built with libssh2 (found: {first})", howToGet);
        return curl;
    }

    private Task<ProcessRunner.Result> CurlAsync(string curl, string hostKeySha256, string[] arguments) =>
        ProcessRunner.RunAsync(
            curl,
            ["-q", "--silent", "--show-error", "--max-time", "50", "--hostpubsha256", hostKeySha256, .. arguments],
            environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = _server.Directory },
            timeout: s_timeout);

    /// <summary>The server's host key as curl pins it: base64 of the SHA-256 of the key blob.</summary>
    private string HostKeySha256()
    {
        string line = File.ReadAllLines(_server.KnownHostsFile)[0]; // "[127.0.0.1]:PORT ssh-ed25519 AAAA..."
        return Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(line.Split(' ')[2])));
    }

    private string NewLocalDirectory()
    {
        string path = Path.Combine(_server.Directory, "curl-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void AssertOk(ProcessRunner.Result result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what} exited {result.ExitCode}:\n{result.StandardError}");
}
