using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Hosting.Hooks;

namespace SftpKit;

/// <summary>Registration of the external authentication hooks.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Puts the external authentication hooks (<see cref="SftpAuthHookOptions"/>, bound from <c>SftpKit:Auth</c>, then
    /// <paramref name="configure"/>) in front of the authenticator registered so far — call it after
    /// <c>AddUserStore</c> / <c>AddJsonFileUserStore</c> / <c>AddSqlUserStore</c> / <c>AddAuthenticator</c>; the server
    /// refuses to start when another authenticator replaced the hooks afterwards. Hooks left empty are off, so the call
    /// changes nothing until one is configured.
    /// </summary>
    public static ISftpServerBuilder AddExternalAuthHooks(this ISftpServerBuilder builder, Action<SftpAuthHookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSftpKitOptions<SftpAuthHookOptions>(SftpAuthHookOptions.ConfigurationSectionName).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpAuthHookOptions>, SftpAuthHookOptionsValidator>(
            _ => new SftpAuthHookOptionsValidator(services)));
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ISshAuthenticator))
            ?? throw new InvalidOperationException("Call AddExternalAuthHooks after AddSftpServer.");
        if (inner.ImplementationFactory?.Target is HookDecoration)
        {
            return builder; // already in front
        }
        services.TryAddSingleton(sp => new AuthHookRunner(sp.GetRequiredService<IOptions<SftpAuthHookOptions>>().Value));
        var decoration = new HookDecoration(inner);
        services.Replace(ServiceDescriptor.Singleton<ISshAuthenticator>(decoration.Create));
        return builder;
    }

    /// <summary>Builds the hooks around the authenticator that was registered before them.</summary>
    private sealed class HookDecoration(ServiceDescriptor inner)
    {
        public HookAuthenticator Create(IServiceProvider services)
        {
            var authenticator = (ISshAuthenticator)(inner.ImplementationInstance
                ?? inner.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, inner.ImplementationType!));
            return new HookAuthenticator(authenticator, services.GetRequiredService<AuthHookRunner>(), services.GetService<ISftpUserStore>(),
                services.GetRequiredService<ILogger<HookAuthenticator>>(), services.GetService<TimeProvider>());
        }
    }
}
