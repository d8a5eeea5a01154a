using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.WebAdmin;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the WebAdmin pages.</summary>
public static class SftpWebAdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapSftpWebAdmin</c> needs: <see cref="SftpWebAdminOptions"/> (section <c>SftpKit:WebAdmin</c>,
    /// checked at start), the admin API's services and built-in admin authentication (<c>AddSftpAdminAuthentication</c>,
    /// unless already called: the pages sign in against the same admin store, rate limit and defender as
    /// <c>POST /token</c>), antiforgery, and the WebAdmin's own cookie scheme <c>SftpKit.WebAdmin</c> (session cookie
    /// <see cref="SftpWebAdminOptions.CookieName"/>, HttpOnly, SameSite=Strict, sliding
    /// <see cref="SftpWebAdminOptions.SessionTimeout"/>), which is not the host's default scheme. Sessions are data
    /// protected: persist the data protection keys for sessions to survive a restart. Call once.
    /// </summary>
    public static IServiceCollection AddSftpWebAdmin(this IServiceCollection services, Action<SftpWebAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(WebAdminMarker)))
        {
            return services;
        }
        services.AddSingleton<WebAdminMarker>();
        var options = services.AddSftpKitOptions<SftpWebAdminOptions>(SftpWebAdminOptions.ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpWebAdminOptions>, SftpWebAdminOptionsValidator>());
        options.ValidateOnStart();
        if (!services.Any(d => d.ServiceType == typeof(SftpAdminTokens)))
        {
            services.AddSftpAdminAuthentication();
        }
        WebAdminSession.Register(services);
        return services;
    }
}
