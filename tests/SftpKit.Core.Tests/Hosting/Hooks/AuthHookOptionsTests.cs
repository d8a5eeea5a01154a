using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Hosting.Hooks;

/// <summary>The hooks' options are checked at start: hook targets, scopes, the store a pre-login hook needs, the registration order.</summary>
public sealed class AuthHookOptionsTests
{
    private static OptionsValidationException StartFails(Action<ISftpServerBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder.Services.AddSftpServer(o => o.Listen(System.Net.IPAddress.Loopback, 0)));
        using var host = builder.Build();
        return Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SftpKit.Hosting.Hooks.SftpAuthHookOptions>>().Value);
    }

    [Fact]
    public void Relative_programs_bad_scopes_and_a_pre_login_hook_without_a_store_are_refused()
    {
        var e = StartFails(s => s.AddExternalAuthHooks(o =>
        {
            o.ExternalAuthHook = "hooks/auth.sh";
            o.ExternalAuthScope = 16;
            o.PreLoginHook = "http://127.0.0.1:1/pre";
            o.HookTimeout = TimeSpan.Zero;
        }));
        Assert.Contains(e.Failures, f => f.Contains("ExternalAuthHook must be", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("ExternalAuthScope", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("PreLoginHook needs an account store", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("HookTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void An_authenticator_registered_after_the_hooks_is_refused()
    {
        var e = StartFails(s => s.AddExternalAuthHooks(o => o.ExternalAuthHook = "/bin/true").AddInMemoryUserStore());
        Assert.Contains(e.Failures, f => f.Contains("registered after AddExternalAuthHooks", StringComparison.Ordinal));
    }
}
