using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>Trusted CA keys and required methods bind from configuration and are validated at start.</summary>
public sealed class AuthenticationOptionsTests : IClassFixture<SshCertificateTests.Keys>
{
    private readonly CertificateAuthority _ca;

    public AuthenticationOptionsTests(SshCertificateTests.Keys keys) => _ca = keys.Ca;

    [Fact]
    public void Binds_trusted_ca_keys_and_required_methods_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:TrustedUserCaKeys:0"] = _ca.PublicLine("ca_ed25519"),
            ["SftpKit:TrustedUserCaKeys:1"] = _ca.PublicLine("ca_rsa"),
            ["SftpKit:Users:0:UserName"] = "carol",
            ["SftpKit:Users:0:RequiredAuthenticationMethods:0"] = "publickey",
            ["SftpKit:Users:0:RequiredAuthenticationMethods:1"] = "keyboard-interactive",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSftpServer();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SftpServerOptions>>().Value;
        Assert.Equal([_ca.PublicLine("ca_ed25519"), _ca.PublicLine("ca_rsa")], options.TrustedUserCaKeys);
        Assert.Equal(["publickey", "keyboard-interactive"], Assert.Single(options.Users).RequiredAuthenticationMethods);
    }

    [Fact]
    public async Task Validation_refuses_unreadable_or_certificate_ca_keys_and_unknown_methods()
    {
        string cert = await File.ReadAllTextAsync(await _ca.SignAsync("as_ca", "user_ed25519", "ca_ed25519", "alice") + "-cert.pub");
        var services = new ServiceCollection();
        services.AddSftpServer(o =>
        {
            o.TrustedUserCaKeys.Add(_ca.PublicLine("ca_ecdsa"));
            o.TrustedUserCaKeys.Add("ssh-ed25519 not-base64!");
            o.TrustedUserCaKeys.Add(cert.Trim());
            o.Users.Add(new SshUser { UserName = "dave", RequiredAuthenticationMethods = { "publickey", "hostbased" } });
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpServerOptions>>().Value);
        string all = string.Join("\n", ex.Failures);
        Assert.DoesNotContain("TrustedUserCaKeys[0]", all, StringComparison.Ordinal);
        Assert.Contains("TrustedUserCaKeys[1] is not a readable public key line", all, StringComparison.Ordinal);
        Assert.Contains("TrustedUserCaKeys[2] is a certificate", all, StringComparison.Ordinal);
        Assert.Contains("Users[0].RequiredAuthenticationMethods", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Continue_accepts_only_method_names_clients_can_use()
    {
        var result = SshAuthResult.Continue("password", "keyboard-interactive", "password");
        Assert.True(result.IsPartialSuccess);
        Assert.False(result.Succeeded);
        Assert.Equal(SshAuthFailureReason.None, result.FailureReason);
        Assert.Equal(["password", "keyboard-interactive"], result.NextMethods);
        Assert.Throws<ArgumentException>(() => SshAuthResult.Continue());
        Assert.Throws<ArgumentException>(() => SshAuthResult.Continue("none"));
        Assert.False(SshAuthResult.Failed.IsPartialSuccess);
    }
}
