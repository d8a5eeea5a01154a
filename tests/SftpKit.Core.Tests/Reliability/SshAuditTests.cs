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
/// 2.5.0 predates. Strict kex (Terrapin) is enforced: see HostileInputTests.Strict_kex_*.
/// </summary>
public sealed class SshAuditTests : IAsyncLifetime
{
    private static readonly string[] s_allowedWarnings =
        ["kex-strict-s-v00@openssh.com", "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"];

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
    public async Task Default_offer_has_no_failure_and_warns_only_on_names_ssh_audit_predates()
    {
        string port = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var json = await ProcessRunner.RunAsync("ssh-audit", ["-j", "-p", port, "127.0.0.1"]);
        using var report = JsonDocument.Parse(json.Text);
        string[] Names(string section, bool objects) => report.RootElement.GetProperty(section).EnumerateArray()
            .Select(e => objects ? e.GetProperty("algorithm").GetString()! : e.GetString()!).ToArray();
        string[] kex = Names("kex", true), keys = Names("key", true), enc = Names("enc", false), mac = Names("mac", false);
        _output.WriteLine(string.Join(' ', kex.Concat(keys).Concat(enc).Concat(mac)));

        Assert.Equal([.. SshAlgorithmOptions.DefaultKeyExchange, "kex-strict-s-v00@openssh.com"], kex);
        Assert.Equal(["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"], keys); // the ecdsa key is loaded but not offered
        Assert.Equal(SshAlgorithmOptions.DefaultCiphers, enc);
        Assert.Equal(SshAlgorithmOptions.DefaultMacs, mac);
        foreach (string name in kex.Concat(keys).Concat(enc).Concat(mac))
        {
            Assert.DoesNotContain("nistp", name, StringComparison.Ordinal);
            Assert.DoesNotContain("sha1", name, StringComparison.Ordinal);
            Assert.DoesNotContain("cbc", name, StringComparison.Ordinal);
            Assert.NotEqual("ssh-rsa", name);
        }
        Assert.All(mac, m => Assert.EndsWith("-etm@openssh.com", m, StringComparison.Ordinal));

        var text = await ProcessRunner.RunAsync("ssh-audit", ["-n", "-l", "warn", "-p", port, "127.0.0.1"]);
        _output.WriteLine(text.Text);
        var findings = text.Text.Split('\n').Where(l => l.StartsWith('(') && l.Contains(" -- [", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(findings); // ssh-audit did read the server (it warns on names it predates)
        Assert.DoesNotContain(findings, l => l.Contains("[fail]", StringComparison.Ordinal));
        foreach (string line in findings.Where(l => l.Contains("[warn]", StringComparison.Ordinal)))
        {
            string name = line[(line.IndexOf(')', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0];
            Assert.Contains(name, s_allowedWarnings);
        }
    }
}
