using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SftpKit;

/// <summary>Configures the SFTP server's seams after <c>AddSftpServer</c>.</summary>
public interface ISftpServerBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}

internal sealed class SftpServerBuilder : ISftpServerBuilder
{
    public SftpServerBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }
}

/// <summary>Registration helpers for the SFTP server's seams.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>Replaces the default in-memory authenticator.</summary>
    public static ISftpServerBuilder AddAuthenticator<TAuthenticator>(this ISftpServerBuilder builder)
        where TAuthenticator : class, ISshAuthenticator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISshAuthenticator, TAuthenticator>());
        return builder;
    }

    /// <summary>Adds users to the built-in in-memory authenticator.</summary>
    public static ISftpServerBuilder AddInMemoryUsers(this ISftpServerBuilder builder, params SshUser[] users)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<SftpServerOptions>(o =>
        {
            foreach (var user in users)
            {
                o.Users.Add(user);
            }
        });
        return builder;
    }

    /// <summary>Registers a subsystem handler (e.g. <c>sftp</c>).</summary>
    public static ISftpServerBuilder AddSubsystem<THandler>(this ISftpServerBuilder builder)
        where THandler : class, ISshSubsystemHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshSubsystemHandler, THandler>());
        return builder;
    }

    /// <summary>Registers an exec command handler; handlers are asked in registration order.</summary>
    public static ISftpServerBuilder AddCommandHandler<THandler>(this ISftpServerBuilder builder)
        where THandler : class, ISshCommandHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshCommandHandler, THandler>());
        return builder;
    }

    /// <summary>Registers an exec command handler instance.</summary>
    public static ISftpServerBuilder AddCommandHandler(this ISftpServerBuilder builder, ISshCommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(handler);
        return builder;
    }
}
