using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SftpKit;

/// <summary>Registration helpers for authentication observers.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="ISshAuthenticationObserver"/> (singleton); every registered observer hears every final
    /// success and every failure.
    /// </summary>
    public static ISftpServerBuilder AddAuthenticationObserver<TObserver>(this ISftpServerBuilder builder)
        where TObserver : class, ISshAuthenticationObserver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, TObserver>());
        return builder;
    }

    /// <summary>Registers an <see cref="ISshAuthenticationObserver"/> instance.</summary>
    public static ISftpServerBuilder AddAuthenticationObserver(this ISftpServerBuilder builder, ISshAuthenticationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(observer);
        builder.Services.AddSingleton(observer);
        return builder;
    }
}
