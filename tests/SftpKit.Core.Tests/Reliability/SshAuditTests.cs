using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Reliability;

/// <summary>
/// External audit: Debian's <c>ssh-audit</c> 2.5.0 against a server with nothing configured but a listen address and
/// a host key directory (keys generated on start: ed25519, ecdsa-p256, rsa-3072). No failure; warnings only for names
/// 2.5.0 predates and for the encrypt-and-MAC mode of hmac-sha2-256 and hmac-sha2-512, offered after the etm forms for
/// libssh2 clients (curl). Strict kex (Terrapin) is enforced: see HostileInputTests.Strict_kex_*.
/// </summary>
public sealed class SshAuditTests : IAsyncLifetime
{
    private static readonly string[] s_allowedWarnings =
        ["kex-strict-s-v00@openssh.com", "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"];

    // Warned only for their mode: libssh2 1.10 offers no etm MAC, so these two are offered after the etm forms.
    private static readonly string[] s_encryptAndMacWarnings = ["hmac-sha2-256", "hmac-sha2-512"];

    private readonly ITestOutputHelper _output;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-audit-" + Guid.NewGuid().ToString("N")[..12]);
    private IHost? _host;
    private int _port;

    public SshAuditTests(ITestOutputHelper output) => _output = output;

    public async ValueTask InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.HostKeyDirectory = Path.Combine(_directory, "keys");
        });
        _host = builder.Build();
        await _host.StartAsync();
        _port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Default_offer_has_no_failure_and_only_the_expected_warnings()
    {
        string sshAudit = Requires.Tool("ssh-audit", "install Debian's ssh-audit package (apt-get install ssh-audit)");
        string port = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var json = await ProcessRunner.RunAsync(sshAudit, ["-j", "-p", port, "127.0.0.1"], timeout: TimeSpan.FromSeconds(60));
        using var report = JsonDocument.Parse(json.Text);
        string[] Names(string section, bool objects) => report.RootElement.GetProperty(section).EnumerateArray()
            .Select(e => objects ? e.GetProperty("algorithm").GetString()! : e.GetString()!).ToArray();
        string[] kex = Names("kex", true), keys = Names("key", true), enc = Names("enc", false), mac = Names("mac", false);
        _output.WriteLine(string.Join(' ', kex.Concat(keys).Concat(enc).Concat(mac)));

        Assert.Equal([.. SshAlgorithmOptions.DefaultKeyExchange, "kex-strict-s-v00@openssh.com"], kex);
        Assert.Equal(["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"], keys); // the ecdsa key is loaded but not offered
        Assert.Equal(SshAlgorithmOptions.DefaultCiphers, enc);
        Assert.Equal(["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", .. s_encryptAndMacWarnings], mac);
        foreach (string name in kex.Concat(keys).Concat(enc).Concat(mac))
        {
            Assert.DoesNotContain("nistp", name, StringComparison.Ordinal);
            Assert.DoesNotContain("sha1", name, StringComparison.Ordinal);
            Assert.DoesNotContain("cbc", name, StringComparison.Ordinal);
            Assert.NotEqual("ssh-rsa", name);
        }

        var text = await ProcessRunner.RunAsync(sshAudit, ["-n", "-l", "warn", "-p", port, "127.0.0.1"], timeout: TimeSpan.FromSeconds(60));
        _output.WriteLine(text.Text);
        var findings = text.Text.Split('\n').Where(l => l.StartsWith('(') && l.Contains(" -- [", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(findings); // ssh-audit did read the server (it warns on names it predates)
        Assert.DoesNotContain(findings, IsUnexpected);
    }

    /// <summary>Whether an ssh-audit finding line fails the audit: any failure, and any warning not expected above.</summary>
    internal static bool IsUnexpected(string line)
    {
        if (line.Contains("[fail]", StringComparison.Ordinal))
        {
            return true;
        }
        if (!line.Contains("[warn]", StringComparison.Ordinal))
        {
            return false;
        }
        string name = line[(line.IndexOf(')', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0];
        return !s_allowedWarnings.Contains(name)
            && !(s_encryptAndMacWarnings.Contains(name) && line.Contains("-- [warn] using encrypt-and-MAC mode", StringComparison.Ordinal));
    }
}

/// <summary>The audit's finding check, without a server: it must still fail on a failure or an unexpected warning.</summary>
public sealed class SshAuditFindingCheckTests
{
    [Theory]
    [InlineData("(kex) mlkem768x25519-sha256               -- [warn] unknown algorithm", false)]
    [InlineData("(mac) hmac-sha2-256                       -- [warn] using encrypt-and-MAC mode", false)]
    [InlineData("(mac) hmac-sha2-512                       -- [warn] using encrypt-and-MAC mode", false)]
    [InlineData("(mac) hmac-sha2-256                       -- [fail] using broken hash", true)]
    [InlineData("(mac) hmac-sha2-256                       -- [warn] using small 64-bit tag size", true)]
    [InlineData("(mac) hmac-sha1                           -- [warn] using encrypt-and-MAC mode", true)]
    [InlineData("(mac) hmac-sha2-256-etm@openssh.com       -- [warn] using encrypt-and-MAC mode", true)]
    [InlineData("(kex) ecdh-sha2-nistp256                  -- [fail] using weak elliptic curves", true)]
    [InlineData("(key) ssh-ed25519                         -- [warn] some new reason", true)]
    [InlineData("(key) ssh-ed25519                         -- [fail] using weak key", true)]
    public void Finding_check_accepts_only_the_known_warnings(string line, bool unexpected) =>
        Assert.Equal(unexpected, SshAuditTests.IsUnexpected(line));
}
