using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SftpKit;
using SftpKit.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SftpKit SSH/SFTP server to an application's services.</summary>
public static class SftpServiceCollectionExtensions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string ConfigurationSectionName = "SftpKit";

    /// <summary>
    /// Adds the server as a hosted service. Options bind from the <c>SftpKit</c> configuration section when an
    /// <see cref="IConfiguration"/> is registered, then <paramref name="configure"/> runs; they are validated on start.
    /// </summary>
    public static ISftpServerBuilder AddSftpServer(this IServiceCollection services, Action<SftpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSftpKitOptions<SftpServerOptions>(ConfigurationSectionName, SftpServerOptionsSetup.BindMore).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpServerOptions>, SftpServerOptionsValidator>());
        // Reads the registrations as they stand when the options are first validated (at start), after every Add*.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpServerOptions>, InMemoryUsersFileSystemValidator>(
            _ => new InMemoryUsersFileSystemValidator(services)));
        // Hosts register logging; a bare ServiceCollection gets a no-op logger so the server still resolves.
        services.TryAddSingleton<ILoggerFactory, NullLoggerFactory>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        services.TryAddSingleton<ISshAuthenticator, InMemoryAuthenticator>();
        SftpServerBuilderExtensions.AddSftpEvents(services); // before the server: hosted services stop in reverse order
        ConnectionPoliciesRegistration.AddConnectionPolicies(services);
        services.TryAddSingleton<SftpServer>();
        services.TryAddSingleton<ISftpServer>(sp => sp.GetRequiredService<SftpServer>());
        services.TryAddSingleton<ISftpServerHealth, SftpServerHealth>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SftpServer>(sp => sp.GetRequiredService<SftpServer>()));
        return new SftpServerBuilder(services);
    }
}
