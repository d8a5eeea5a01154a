using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Providers.Sql;

namespace SftpKit;

/// <summary>Registration of the SQL store (package SftpKit.Providers.Sql).</summary>
public static class SqlServerBuilderExtensions
{
    /// <summary>
    /// Keeps accounts and quota usage in a SQL database (<see cref="SqlUserStore"/>) and, unless turned off in the
    /// options, session counts (<see cref="SqlSessionLimiter"/>) and defender scores and bans (<see cref="SqlDefender"/>)
    /// too, so several instances on one database share them; virtual folder definitions (<see cref="SqlFolderStore"/>),
    /// shares (<see cref="SqlShareStore"/>), groups (<see cref="SqlGroupStore"/>), second factors and access tokens
    /// (<see cref="SqlCredentialStore"/>) live there as well, and so do event rules and actions
    /// (<see cref="SqlEventRuleStore"/>) and their run records (<see cref="SqlEventRunStore"/>), which replace the rule
    /// engine's in-memory defaults whether <c>AddEventRules</c> comes before or after this call (with
    /// <see cref="SqlStoreOptions.ReadOnlyAccounts"/>, which creates no tables, a rule or run store registered before
    /// is kept, else they stay in memory). Options bind from the configuration section
    /// <c>SftpKit:Sql</c> first, then <paramref name="configure"/> runs; they are validated at start. Pending schema
    /// migrations are applied when the host starts, before the server listens (see <see cref="SqlMigrator"/>).
    /// Call after <c>AddSftpServer</c>.
    /// </summary>
    public static ISftpServerBuilder AddSqlUserStore(this ISftpServerBuilder builder, Action<SqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddSqlDatabase(services, configure);
        if (services.Any(d => d.ServiceType == typeof(SqlUserStore)))
        {
            return builder; // Registered already: only the extra configuration applies.
        }
        services.TryAddSingleton(sp => new SqlUserStore(sp.GetRequiredService<SqlDatabase>(), sp.GetService<ISftpSecretProtector>()));
        builder.AddUserStore(sp => sp.GetRequiredService<SqlUserStore>());
        services.Replace(ServiceDescriptor.Singleton<Accounts.ISftpQuotaStore>(sp => sp.GetRequiredService<SqlUserStore>()));

        services.TryAddSingleton(sp => new SqlSessionLimiter(sp.GetRequiredService<SqlDatabase>(), sp.GetService<ILogger<SqlSessionLimiter>>()));
        services.TryAddSingleton(sp =>
        {
            var defender = new SqlDefender(
                sp.GetRequiredService<SqlDatabase>(),
                sp.GetRequiredService<IOptions<SftpServerOptions>>().Value.Defender,
                sp.GetService<ILogger<SqlDefender>>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            // A configuration reload that validates replaces the lists and scores.
            sp.GetService<IOptionsMonitor<SftpServerOptions>>()?.OnChange(o => defender.Reconfigure(o.Defender));
            return defender;
        });
        // Read-only mode creates no tables, so leases and bans stay in process there.
        ReplaceUnless<ISftpSessionLimiter, SqlSessionLimiter>(services, o => o.UseSqlSessionLimiter && o.ReadOnlyAccounts is null);
        ReplaceUnless<ISftpDefender, SqlDefender>(services, o => o.UseSqlDefender && o.ReadOnlyAccounts is null);
        services.TryAddSingleton(sp => new SqlFolderStore(sp.GetRequiredService<SqlDatabase>()));
        ReplaceUnless<Accounts.ISftpFolderStore, SqlFolderStore>(services, o => o.ReadOnlyAccounts is null);
        services.TryAddSingleton(sp => new SqlShareStore(sp.GetRequiredService<SqlDatabase>()));
        ReplaceUnless<Accounts.ISftpShareStore, SqlShareStore>(services, o => o.ReadOnlyAccounts is null);
        services.TryAddSingleton(sp => new SqlCredentialStore(sp.GetRequiredService<SqlDatabase>()));
        ReplaceUnless<Accounts.ISftpCredentialStore, SqlCredentialStore>(services, o => o.ReadOnlyAccounts is null);
        services.TryAddSingleton(sp => new SqlGroupStore(sp.GetRequiredService<SqlDatabase>(), sp.GetService<ISftpSecretProtector>()));
        ReplaceUnless<Accounts.ISftpGroupStore, SqlGroupStore>(services, o => o.ReadOnlyAccounts is null);
        services.TryAddSingleton(sp => new SqlEventRuleStore(sp.GetRequiredService<SqlDatabase>(), sp.GetService<ISftpSecretProtector>()));
        ReplaceUnless<Events.Rules.ISftpEventRuleStore, SqlEventRuleStore>(services, o => o.ReadOnlyAccounts is null,
            sp => new Events.Rules.InMemoryEventRuleStore(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => new SqlEventRunStore(sp.GetRequiredService<SqlDatabase>()));
        ReplaceUnless<Events.Rules.ISftpEventRunStore, SqlEventRunStore>(services, o => o.ReadOnlyAccounts is null, _ => new Events.Rules.InMemoryEventRunStore(1000));
        return builder;
    }

    /// <summary>
    /// Keeps the admin API's admins and API keys (<see cref="Admin.ISftpAdminStore"/>) and roles
    /// (<see cref="Admin.ISftpRoleStore"/>) in the SQL database (<see cref="SqlAdminStore"/>, <see cref="SqlRoleStore"/>), shared by every instance on it. Uses the database of <see cref="AddSqlUserStore"/>
    /// (same options, section <c>SftpKit:Sql</c>) and replaces any admin store registered before it; the in-memory or
    /// JSON store of <c>AddSftpAdminAuthentication</c> is not added whether that call comes before or after this one. Not available with
    /// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> (the store's calls throw <see cref="NotSupportedException"/>).
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "One overload extends ISftpServerBuilder and the other IServiceCollection, so no call is ambiguous; each keeps the optional configure callback every Add* registration here has.")]
    public static ISftpServerBuilder AddSqlAdminStore(this ISftpServerBuilder builder, Action<SqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqlAdminStore(configure);
        return builder;
    }

    /// <summary>
    /// <see cref="AddSqlAdminStore(ISftpServerBuilder, Action{SqlStoreOptions}?)"/> for hosts that register the admin
    /// API without an SftpKit server builder at hand: registers the SQL database (options from <c>SftpKit:Sql</c>
    /// and <paramref name="configure"/>, validated and migrated at start) when <c>AddSqlUserStore</c> has not.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "One overload extends ISftpServerBuilder and the other IServiceCollection, so no call is ambiguous; each keeps the optional configure callback every Add* registration here has.")]
    public static IServiceCollection AddSqlAdminStore(this IServiceCollection services, Action<SqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddSqlDatabase(services, configure);
        services.TryAddSingleton(sp => new SqlAdminStore(sp.GetRequiredService<SqlDatabase>()));
        // Replaced rather than tried, so the order of this call and AddSftpAdminAuthentication (which tries) does not matter.
        services.Replace(ServiceDescriptor.Singleton<Admin.ISftpAdminStore>(sp => sp.GetRequiredService<SqlAdminStore>()));
        services.TryAddSingleton(sp => new SqlRoleStore(sp.GetRequiredService<SqlDatabase>()));
        services.Replace(ServiceDescriptor.Singleton<Admin.ISftpRoleStore>(sp => sp.GetRequiredService<SqlRoleStore>()));
        return services;
    }

    // Options, validation, the shared SqlDatabase and the start-up migration, once (later calls add configuration only).
    private static void AddSqlDatabase(IServiceCollection services, Action<SqlStoreOptions>? configure)
    {
        services.AddSftpKitOptions<SqlStoreOptions>(SqlStoreOptions.ConfigurationSection).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(SqlDatabase)))
        {
            return;
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqlStoreOptions>, SqlStoreOptionsValidator>());
        services.TryAddSingleton(sp => new SqlDatabase(
            sp.GetRequiredService<IOptions<SqlStoreOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger("SftpKit.Providers.Sql"),
            sp.GetService<TimeProvider>()));
        services.AddHostedService<SqlStoreStartup>();
    }

    // Swaps the registered default for the SQL one when the option says so, decided when first resolved (options may
    // come from configuration); the previous registration is kept as the fallback, or else what fallback makes.
    private static void ReplaceUnless<TService, TSql>(IServiceCollection services, Func<SqlStoreOptions, bool> useSql,
        Func<IServiceProvider, TService>? fallback = null)
        where TService : class
        where TSql : class, TService
    {
        var previous = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        services.Replace(ServiceDescriptor.Singleton<TService>(sp =>
        {
            if (useSql(sp.GetRequiredService<IOptions<SqlStoreOptions>>().Value) || (previous is null && fallback is null))
            {
                return sp.GetRequiredService<TSql>();
            }
            if (previous is null)
            {
                return fallback!(sp);
            }
            return previous switch
            {
                { ImplementationInstance: TService instance } => instance,
                { ImplementationFactory: { } factory } => (TService)factory(sp),
                { ImplementationType: { } type } => (TService)ActivatorUtilities.CreateInstance(sp, type),
                _ => sp.GetRequiredService<TSql>(),
            };
        }));
    }
}

/// <summary>Migrates (or checks) the schema while the host starts, before any server listens.</summary>
internal sealed class SqlStoreStartup : IHostedLifecycleService
{
    private readonly SqlDatabase _database;

    public SqlStoreStartup(SqlDatabase database) => _database = database;

    public Task StartingAsync(CancellationToken cancellationToken) => _database.EnsureReadyAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
