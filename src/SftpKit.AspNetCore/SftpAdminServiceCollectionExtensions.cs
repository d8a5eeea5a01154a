using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SftpKit;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Quotas;
using SftpKit.AspNetCore.Retention;
using SftpKit.AspNetCore.Web;
using SftpKit.Events.Rules;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the SftpKit admin API and its optional built-in authentication.</summary>
public static class SftpAdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapSftpAdmin</c> needs: options (<see cref="SftpAdminOptions"/>, section
    /// <c>SftpKit:Admin</c>, checked at start), the background quota scanner and retention checker, and an
    /// <see cref="InMemoryFolderStore"/> unless an <see cref="ISftpFolderStore"/> is registered (the SQL store
    /// registers its own), and likewise an <see cref="InMemoryShareStore"/> for <c>/shares</c>, an
    /// <see cref="InMemoryGroupStore"/> for <c>/groups</c> and a role store for <c>/roles</c>
    /// (<see cref="JsonFileSftpRoleStore"/> at <see cref="SftpAdminOptions.RoleStoreFile"/> when set, else
    /// <see cref="InMemorySftpRoleStore"/>; <c>AddSqlAdminStore</c> registers the SQL one), and an
    /// <see cref="InMemoryEventRuleStore"/> for <c>/eventrules</c> and <c>/eventactions</c> unless an
    /// <see cref="ISftpEventRuleStore"/> is registered. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSftpAdmin(this IServiceCollection services, Action<SftpAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddSftpKitOptions<SftpAdminOptions>(SftpAdminOptions.ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpAdminOptions>, SftpAdminOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton<AdminServices>();
        services.TryAddSingleton<QuotaScanQueue>();
        services.TryAddSingleton<RetentionCheckQueue>();
        services.TryAddSingleton<ISftpFolderStore>(_ => new InMemoryFolderStore());
        services.TryAddSingleton<ISftpGroupStore>(_ => new InMemoryGroupStore());
        services.TryAddSingleton<ISftpShareStore>(_ => new InMemoryShareStore());
        services.TryAddSingleton<ISftpEventRuleStore>(sp => new InMemoryEventRuleStore(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<ISftpRoleStore>(sp =>
            sp.GetRequiredService<IOptions<SftpAdminOptions>>().Value.RoleStoreFile is { Length: > 0 } file
                ? new JsonFileSftpRoleStore(file)
                : new InMemorySftpRoleStore());
        services.AddCredentials();
        services.TryAddSingleton(sp => new TotpEnrollment(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new WebPendingSignIns(sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers the authorization policies of the admin endpoints (<see cref="SftpAdminPermissions.PolicyName"/>):
    /// each requires an authenticated user with a <see cref="SftpAdminPermissions.ClaimType"/> claim of the
    /// permission or <c>*</c>. Use it alone when the host authenticates admins itself and issues those claims.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="authenticationScheme">The scheme the policies authenticate with; null = the host's default scheme.</param>
    public static IServiceCollection AddSftpAdminAuthorization(this IServiceCollection services, string? authenticationScheme = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSftpAdmin();
        if (services.Any(d => d.ServiceType == typeof(SftpAdminAuthorizationMarker)))
        {
            return services;
        }
        services.AddSingleton<SftpAdminAuthorizationMarker>();
        services.AddAuthorization(o =>
        {
            o.AddPolicy(SftpAdminPermissions.AuthenticatedPolicy, p =>
            {
                if (authenticationScheme is not null)
                {
                    p.AddAuthenticationSchemes(authenticationScheme);
                }
                p.RequireAuthenticatedUser();
            });
            foreach (string permission in SftpAdminPermissions.Names.Where(n => n != SftpAdminPermissions.All))
            {
                o.AddPolicy(SftpAdminPermissions.PolicyName(permission), p =>
                {
                    if (authenticationScheme is not null)
                    {
                        p.AddAuthenticationSchemes(authenticationScheme);
                    }
                    p.RequireAuthenticatedUser();
                    p.RequireAssertion(c => c.User.HasClaim(SftpAdminPermissions.ClaimType, permission)
                        || c.User.HasClaim(SftpAdminPermissions.ClaimType, SftpAdminPermissions.All));
                });
            }
        });
        return services;
    }

    /// <summary>
    /// Built-in admin authentication for hosts that have none: admins in an <see cref="ISftpAdminStore"/> (in memory,
    /// or <see cref="JsonFileSftpAdminStore"/> when <see cref="SftpAdminAuthenticationOptions.StoreFile"/> is set,
    /// unless the host registered its own), <c>POST /token</c> (HTTP Basic → JWT), API keys, per-endpoint permissions
    /// and allowed source networks. Also calls <see cref="AddSftpAdmin"/> and <see cref="AddSftpAdminAuthorization"/>.
    /// The login surfaces (<c>POST /token</c>, API keys) get a per-address rate limit
    /// (<see cref="SftpAdminOptions.LoginAttemptLimit"/>) and feed the server's <see cref="SftpKit.ISftpDefender"/>.
    /// Behind a reverse proxy, add <c>app.UseForwardedHeaders()</c> with the proxy in <c>KnownProxies</c> or
    /// <c>KnownNetworks</c> before the endpoints, so the admins' allowed networks, the rate limit and the defender see
    /// the real client address. Safe to call more than once: later calls add their <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddSftpAdminAuthentication(this IServiceCollection services, Action<SftpAdminAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A second call (e.g. AddSftpWebAdmin() first, then this with options) only adds its configuration: the
        // scheme must be registered once.
        bool registered = services.Any(d => d.ServiceType == typeof(SftpAdminTokens));
        var options = services.AddSftpKitOptions<SftpAdminAuthenticationOptions>(SftpAdminAuthenticationOptions.ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        if (registered)
        {
            return services;
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpAdminAuthenticationOptions>, SftpAdminAuthenticationOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton<ISftpAdminStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SftpAdminAuthenticationOptions>>().Value;
            return o.StoreFile is { Length: > 0 } file ? new JsonFileSftpAdminStore(file) : new InMemorySftpAdminStore();
        });
        services.TryAddSingleton<SftpAdminTokens>();
        services.TryAddSingleton<AdminLoginGuard>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, SftpAdminAuthenticationHandler>(SftpAdminAuthenticationOptions.SchemeName, null);
        services.AddSftpAdminAuthorization(SftpAdminAuthenticationOptions.SchemeName);
        return services;
    }
}

/// <summary>Present when the admin policies are registered.</summary>
internal sealed class SftpAdminAuthorizationMarker;
