using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The one way SftpKit's packages bind their options from configuration.</summary>
public static class SftpOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TOptions"/> to the options system, bound from the configuration section
    /// <paramref name="sectionPath"/> (such as <c>SftpKit:Sql</c>) when the host registers an
    /// <see cref="IConfiguration"/> and the section exists; otherwise the options keep their defaults (a bare
    /// <see cref="IServiceCollection"/> needs no configuration). The binding runs before the <c>Configure</c> callbacks
    /// registered after this call, and again on a configuration reload for <see cref="IOptionsMonitor{TOptions}"/>.
    /// Calling it again for the same options type adds nothing. Validation is separate: register an
    /// <see cref="IValidateOptions{TOptions}"/> and call <see cref="OptionsBuilderExtensions.ValidateOnStart{TOptions}"/>.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="sectionPath">The section's path, parts separated by <c>:</c>; must not be empty.</param>
    /// <returns>The options builder, for more configuration or validation.</returns>
    public static OptionsBuilder<TOptions> AddSftpKitOptions<TOptions>(this IServiceCollection services, string sectionPath)
        where TOptions : class
        => services.AddSftpKitOptions<TOptions>(sectionPath, bindMore: null);

    /// <summary>
    /// <see cref="AddSftpKitOptions{TOptions}(IServiceCollection, string)"/>, with <paramref name="bindMore"/> run on the
    /// existing section after the plain binding (for keys whose names differ from the properties', or lists that
    /// configuration replaces rather than extends).
    /// </summary>
    internal static OptionsBuilder<TOptions> AddSftpKitOptions<TOptions>(this IServiceCollection services, string sectionPath,
        Action<IConfigurationSection, TOptions>? bindMore)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        var builder = services.AddOptions<TOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TOptions>, SectionBinder<TOptions>>(
            sp => new SectionBinder<TOptions>(sp.GetService<IConfiguration>(), sectionPath, bindMore)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<TOptions>, SectionChangeTokenSource<TOptions>>(
            sp => new SectionChangeTokenSource<TOptions>(sp.GetService<IConfiguration>())));
        return builder;
    }

    /// <summary>Binds the default-named options from the section, when there is configuration and the section exists.</summary>
    private sealed class SectionBinder<TOptions>(IConfiguration? configuration, string sectionPath, Action<IConfigurationSection, TOptions>? bindMore)
        : IConfigureOptions<TOptions>
        where TOptions : class
    {
        public void Configure(TOptions options)
        {
            var section = configuration?.GetSection(sectionPath);
            if (section is null || !section.Exists())
            {
                return;
            }
            section.Bind(options);
            bindMore?.Invoke(section, options);
        }
    }

    /// <summary>Signals a configuration reload (never, without configuration).</summary>
    private sealed class SectionChangeTokenSource<TOptions>(IConfiguration? configuration) : IOptionsChangeTokenSource<TOptions>
    {
        private static readonly IChangeToken s_never = new CancellationChangeToken(CancellationToken.None);

        public string Name => Options.Options.DefaultName;

        public IChangeToken GetChangeToken() => configuration?.GetReloadToken() ?? s_never;
    }
}
