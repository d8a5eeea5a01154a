using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Authentication.Ldap;

namespace SftpKit;

/// <summary>Registration of LDAP / Active Directory logins.</summary>
public static class LdapServerBuilderExtensions
{
    /// <summary>
    /// Logs users in against an LDAP directory or Active Directory (<see cref="LdapAuthenticationOptions"/>, bound from
    /// <c>SftpKit:Auth:Ldap</c>, then <paramref name="configure"/>), in front of the authenticator registered so far:
    /// call it after <c>AddUserStore</c> / <c>AddAuthenticator</c> (and after <c>AddExternalAuthHooks</c> to ask the
    /// directory first). <paramref name="configureAccount"/> adjusts each directory login's account, e.g. to set the
    /// account's groups and role from <see cref="LdapIdentity.Groups"/> and <see cref="LdapIdentity.Role"/>.
    /// </summary>
    public static ISftpServerBuilder AddLdapAuthentication(this ISftpServerBuilder builder, Action<LdapAuthenticationOptions>? configure = null,
        Action<SftpAccount, LdapIdentity>? configureAccount = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSftpKitOptions<LdapAuthenticationOptions>(LdapAuthenticationOptions.ConfigurationSectionName).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LdapAuthenticationOptions>, LdapAuthenticationOptionsValidator>());
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ISshAuthenticator))
            ?? throw new InvalidOperationException("Call AddLdapAuthentication after AddSftpServer.");
        services.Replace(ServiceDescriptor.Singleton<ISshAuthenticator>(sp =>
        {
            var authenticator = (ISshAuthenticator)(inner.ImplementationInstance
                ?? inner.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!));
            return new LdapAuthenticator(authenticator, sp.GetRequiredService<IOptions<LdapAuthenticationOptions>>().Value, configureAccount,
                sp.GetRequiredService<ILogger<LdapAuthenticator>>(), sp.GetService<TimeProvider>());
        }));
        return builder;
    }
}
