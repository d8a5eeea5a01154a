using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SftpKit.Events.Email;
using SftpKit.Events.Rules;

namespace SftpKit;

/// <summary>Registration of e-mail for event rules.</summary>
public static class EmailServerBuilderExtensions
{
    /// <summary>
    /// Sends event e-mail through an SMTP server (<see cref="SftpSmtpOptions"/>, bound from <c>SftpKit:Smtp</c>, then
    /// <paramref name="configure"/>; validated at start): registers the <see cref="SftpEventActionType.Email"/> action
    /// executor and an <see cref="ISftpEmailSender"/> (unless one is registered) that the password expiration check uses too.
    /// </summary>
    public static ISftpServerBuilder AddEventEmail(this ISftpServerBuilder builder, Action<SftpSmtpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSftpKitOptions<SftpSmtpOptions>(SftpSmtpOptions.ConfigurationSectionName).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpSmtpOptions>, SftpSmtpOptionsValidator>());
        services.TryAddSingleton<ISftpEmailSender, MailKitEmailSender>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, EmailEventAction>());
        return builder;
    }
}
