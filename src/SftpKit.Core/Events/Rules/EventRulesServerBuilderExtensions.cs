using System.Net.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit;

/// <summary>Registration of the event rule engine.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Adds the event rule engine: rules (<see cref="SftpEventRule"/>) react to file, session, provider and IP-blocked
    /// events, cron schedules and on-demand requests by running actions (<see cref="SftpEventAction"/>). Registers
    /// <see cref="ISftpEventRuleEngine"/>, <see cref="InMemoryEventRuleStore"/> as the default
    /// <see cref="ISftpEventRuleStore"/> (a store registered before or after replaces it), an in-memory
    /// <see cref="ISftpEventRunStore"/> keeping the last <see cref="SftpEventRuleOptions.MaxRunRecords"/> runs (default
    /// 10,000) unless another is registered, and the executors for HTTP, commands, data retention, file-system actions,
    /// quota resets, account expiry, inactivity and password-expiry checks and store backups (e-mail comes with
    /// <c>AddEventEmail</c> of SftpKit.Events.Email). Options bind from
    /// <c>SftpKit:EventRules</c>, then <paramref name="configure"/>; they are validated at start. Calling it again only
    /// applies <paramref name="configure"/>.
    /// </summary>
    public static ISftpServerBuilder AddEventRules(this ISftpServerBuilder builder, Action<SftpEventRuleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        bool registered = services.Any(d => d.ServiceType == typeof(SftpEventRuleEngine));
        if (!registered)
        {
            // The section binds first, so the callback's values win.
            services.AddSftpKitOptions<SftpEventRuleOptions>(SftpEventRuleOptions.ConfigurationSectionName).ValidateOnStart();
        }
        if (configure is not null)
        {
            services.Configure(configure);
        }
        if (registered)
        {
            return builder;
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpEventRuleOptions>, SftpEventRuleOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISftpEventRuleStore>(sp => new InMemoryEventRuleStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISftpEventRunStore>(sp => new InMemoryEventRunStore(sp.GetRequiredService<IOptions<SftpEventRuleOptions>>()));
        services.TryAddSingleton<EventRuleCache>();
        services.TryAddSingleton<EventRuleAccounts>();
        services.TryAddSingleton<EventRuleRunner>();
        services.TryAddSingleton<EventRuleQueue>();
        services.TryAddSingleton<FirstTransferTracker>();
        services.TryAddSingleton<SftpEventRuleEngine>();
        services.TryAddSingleton<ISftpEventRuleEngine>(sp => sp.GetRequiredService<SftpEventRuleEngine>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventHandler, SftpEventRuleEngine>(sp => sp.GetRequiredService<SftpEventRuleEngine>()));
        services.TryAddSingleton<EventRuleScheduler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventRuleScheduler>(sp => sp.GetRequiredService<EventRuleScheduler>()));

        services.AddHttpClient(HttpEventActionExecutor.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(HttpEventActionExecutor.InsecureClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    // Only for actions that ask for it (SftpHttpActionSettings.SkipTlsVerify: test servers).
#pragma warning disable CA5359
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                },
            });
        services.AddEventActionExecutor<HttpEventActionExecutor>();
        services.AddEventActionExecutor<CommandEventActionExecutor>();
        services.AddEventActionExecutor<RetentionEventActionExecutor>();
        // File-system actions, quota resets, account checks and the store backup (e-mail: AddEventEmail).
        SftpKit.Events.Rules.Actions.BuiltInEventActions.Register(services);
        SftpKit.Admin.BackupEventAction.Register(services);
        return builder;
    }

    /// <summary>
    /// Registers an action executor (a singleton). The engine uses, for each <see cref="SftpEventActionType"/>, the
    /// executor registered last, so this replaces a built-in one of the same type.
    /// </summary>
    public static ISftpServerBuilder AddEventActionExecutor<TExecutor>(this ISftpServerBuilder builder)
        where TExecutor : class, ISftpEventActionExecutor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEventActionExecutor<TExecutor>();
        return builder;
    }

    private static void AddEventActionExecutor<TExecutor>(this IServiceCollection services)
        where TExecutor : class, ISftpEventActionExecutor
    {
        services.RemoveAll<TExecutor>();
        services.AddSingleton<TExecutor>();
        var registered = services.Where(d => d.ServiceType == typeof(ISftpEventActionExecutor) && d.ImplementationType == typeof(TExecutor)).ToList();
        foreach (var descriptor in registered)
        {
            services.Remove(descriptor);
        }
        services.AddSingleton<ISftpEventActionExecutor, TExecutor>(sp => sp.GetRequiredService<TExecutor>());
    }
}
