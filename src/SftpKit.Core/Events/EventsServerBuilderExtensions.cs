using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Events;

namespace SftpKit;

/// <summary>Registration of event handlers and the built-in event actions.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Registers an event handler (a singleton; registering the same type twice keeps one). Handlers are called in
    /// registration order, after the built-in log handler.
    /// </summary>
    public static ISftpServerBuilder AddEventHandler<THandler>(this ISftpServerBuilder builder)
        where THandler : class, ISftpEventHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventHandler, THandler>());
        return builder;
    }

    /// <summary>Registers an event handler instance.</summary>
    public static ISftpServerBuilder AddEventHandler(this ISftpServerBuilder builder, ISftpEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        builder.Services.AddSingleton(handler);
        return builder;
    }

    /// <summary>Configures event dispatch (timeouts, queue size) beyond the <c>SftpKit:Events</c> section.</summary>
    public static ISftpServerBuilder ConfigureEvents(this ISftpServerBuilder builder, Action<SftpEventOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds an HTTP notification: events are POSTed as JSON to <see cref="HttpEventNotificationOptions.Url"/>. Call
    /// again for more URLs. <paramref name="configure"/> runs now; invalid options throw <see cref="ArgumentException"/>.
    /// </summary>
    public static ISftpServerBuilder AddHttpEventNotification(this ISftpServerBuilder builder, Action<HttpEventNotificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configure(configure);
        builder.Services.AddSingleton<ISftpEventHandler>(sp =>
            new HttpEventNotificationHandler(options, sp, sp.GetRequiredService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>
    /// Adds a command action: <see cref="CommandEventActionOptions.FileName"/> runs (without a shell) per event. Call
    /// again for more commands. <paramref name="configure"/> runs now; invalid options throw <see cref="ArgumentException"/>.
    /// </summary>
    public static ISftpServerBuilder AddCommandEventAction(this ISftpServerBuilder builder, Action<CommandEventActionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configure(configure);
        builder.Services.AddSingleton<ISftpEventHandler>(sp =>
            new CommandEventActionHandler(options, sp.GetRequiredService<ILoggerFactory>()));
        return builder;
    }

    private static T Configure<T>(Action<T> configure)
        where T : SftpEventActionOptions, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new T();
        configure(options);
        if (SftpEventActionOptionsValidator.Check(options) is { Failed: true } result)
        {
            throw new ArgumentException(string.Join(" ", result.Failures), nameof(configure));
        }
        return options;
    }

    /// <summary>
    /// The event pipeline <c>AddSftpServer</c> registers: options bound from <c>SftpKit:Events</c>, the dispatcher (also
    /// a hosted service, registered before the server so it stops after it and drains the server's last events), and
    /// the built-in log handler.
    /// </summary>
    internal static void AddSftpEvents(IServiceCollection services)
    {
        services.AddSftpKitOptions<SftpEventOptions>(SftpEventOptions.ConfigurationSectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpEventOptions>, SftpEventOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventHandler, SftpEventLogHandler>());
        services.TryAddSingleton<SftpEventDispatcher>();
        services.TryAddSingleton<ISftpEventDispatcher>(sp => sp.GetRequiredService<SftpEventDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SftpEventDispatcher>(sp => sp.GetRequiredService<SftpEventDispatcher>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, LoginEventObserver>());
    }
}
