using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Web;
using SftpKit.AspNetCore.WebClient;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the SftpKit web client for account holders.</summary>
public static class SftpWebClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapSftpWebClient</c> needs: options (<see cref="SftpWebClientOptions"/>, section
    /// <c>SftpKit:WebClient</c>, checked at start), the session cookie scheme
    /// <see cref="SftpWebClientDefaults.AuthenticationScheme"/> (HttpOnly, <c>SameSite=Strict</c>, Secure over
    /// HTTPS, data-protected, sliding <see cref="SftpWebClientOptions.SessionTimeout"/>, default 20 minutes), antiforgery, and the
    /// sign-in guard shared with the admin API: at most <see cref="SftpKit.AspNetCore.SftpAdminOptions.LoginAttemptLimit"/>
    /// attempts (default 10) per <see cref="SftpKit.AspNetCore.SftpAdminOptions.LoginAttemptWindow"/> (default 1 minute)
    /// per address, failures scored in the server's <see cref="SftpKit.ISftpDefender"/> as over SSH. Needs an SftpKit
    /// server with an account store (<see cref="SftpKit.Accounts.ISftpUserStore"/>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSftpWebClient(this IServiceCollection services, Action<SftpWebClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddSftpKitOptions<SftpWebClientOptions>(SftpWebClientOptions.ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(WebClientLogin)))
        {
            return services;
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpWebClientOptions>, SftpWebClientOptionsValidator>());
        options.ValidateOnStart();
        services.AddSftpAdmin(); // the login guard's limits are the admin API's (SftpKit:Admin)
        services.TryAddSingleton<AdminLoginGuard>();
        services.AddSingleton<WebClientLogin>();
        WebCookieAuthentication.Add(services, SftpWebClientDefaults.AuthenticationScheme, sp =>
        {
            var o = sp.GetRequiredService<IOptions<SftpWebClientOptions>>().Value;
            return (o.CookieName, o.SessionTimeout);
        });
        return services;
    }
}
