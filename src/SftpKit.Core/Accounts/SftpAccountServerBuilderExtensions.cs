using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Hosting;
using SftpKit.Policies;

namespace SftpKit;

/// <summary>Registration of account stores and the policies that come with them.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>The configuration section <see cref="SftpPolicyOptions"/> bind from.</summary>
    public const string PolicyConfigurationSection = "SftpKit:Policies";

    /// <summary>
    /// Uses <typeparamref name="TStore"/> (a singleton) for accounts and quota usage: logins are decided by the
    /// account records and every session runs under its account's permissions, quotas, filters and bandwidth.
    /// The store must also implement <see cref="ISftpQuotaStore"/>, or register one separately.
    /// </summary>
    public static ISftpServerBuilder AddUserStore<TStore>(this ISftpServerBuilder builder)
        where TStore : class, ISftpUserStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStore>();
        return builder.AddUserStore(sp => sp.GetRequiredService<TStore>());
    }

    /// <summary>Uses the store <paramref name="factory"/> returns; see <see cref="AddUserStore{TStore}(ISftpServerBuilder)"/>.</summary>
    public static ISftpServerBuilder AddUserStore(this ISftpServerBuilder builder, Func<IServiceProvider, ISftpUserStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(factory));
        services.AddSessionPipeline();
        services.TryAddSingleton(sp => new SftpQuotaManager(sp.GetRequiredService<ISftpUserStore>(), sp.GetRequiredService<ISftpQuotaStore>(),
            sp.GetRequiredService<SftpAccountFileSystems>(), sp.GetRequiredService<IOptions<SftpPolicyOptions>>())
        {
            Ledger = sp.GetRequiredService<SftpQuotaLedger>(),
            Groups = sp.GetRequiredService<SftpAccountGroupResolver>(),
        });
        services.TryAddSingleton<ISftpFolderStore>(_ => new InMemoryFolderStore());
        services.TryAddSingleton<ISftpShareStore>(_ => new InMemoryShareStore());
        services.AddCredentials();
        services.TryAddSingleton<ISftpGroupStore>(_ => new InMemoryGroupStore());
        services.TryAddSingleton(sp => new SftpRetentionCheck(sp.GetRequiredService<ISftpUserStore>(), sp.GetRequiredService<SftpAccountFileSystems>(),
            sp.GetRequiredService<IOptions<SftpPolicyOptions>>(), sp.GetService<ISftpQuotaStore>(), sp.GetService<Events.ISftpEventDispatcher>(), sp.GetService<TimeProvider>())
        {
            Groups = sp.GetRequiredService<SftpAccountGroupResolver>(),
        });
        services.Replace(ServiceDescriptor.Singleton<ISshAuthenticator>(sp => new AccountAuthenticator(
            sp.GetRequiredService<ISftpUserStore>(),
            sp.GetRequiredService<ILogger<AccountAuthenticator>>(),
            sp.GetService<TimeProvider>(),
            sp.GetRequiredService<SftpCredentials>())));
        return builder;
    }

    /// <summary>
    /// Registers the default <see cref="ISftpCredentialStore"/> (in memory, unless one is registered) and the
    /// <see cref="SftpCredentials"/> service over it (with the registered <see cref="ISftpSecretProtector"/> and
    /// <see cref="TimeProvider"/>). Called by every account store and by the admin API's registration.
    /// </summary>
    public static IServiceCollection AddCredentials(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISftpCredentialStore>(_ => new InMemoryCredentialStore());
        services.TryAddSingleton(sp => new SftpCredentials(sp.GetRequiredService<ISftpCredentialStore>(), sp.GetService<ISftpSecretProtector>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Keeps accounts in memory, seeded with copies of <paramref name="accounts"/>.</summary>
    public static ISftpServerBuilder AddInMemoryUserStore(this ISftpServerBuilder builder, params SftpAccount[] accounts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var store = new InMemoryUserStore(accounts);
        builder.Services.TryAddSingleton(store);
        return builder.AddUserStore(_ => store);
    }

    /// <summary>
    /// Keeps accounts in the JSON file at <paramref name="path"/> (see <see cref="JsonFileUserStore"/>) and, unless a
    /// share, group or credential store is registered already, shares, groups, second factors and access tokens in files
    /// beside it named after it (<c>users.json</c> → <c>users.shares.json</c>, <c>users.groups.json</c>,
    /// <c>users.credentials.json</c>; see <see cref="JsonFileShareStore"/>, <see cref="JsonFileGroupStore"/> and
    /// <see cref="JsonFileCredentialStore"/>). Event rules and actions go to <c>users.eventrules.json</c>
    /// (<see cref="Events.Rules.JsonFileEventRuleStore"/>, action passwords protected with the registered
    /// <see cref="ISftpSecretProtector"/>): that registration replaces any <see cref="Events.Rules.ISftpEventRuleStore"/>
    /// registered before this call (such as the in-memory default of the rule engine), so register a rule store of your
    /// own after it. Run records stay in the engine's in-memory run store.
    /// </summary>
    public static ISftpServerBuilder AddJsonFileUserStore(this ISftpServerBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string sharesPath = Path.ChangeExtension(Path.GetFullPath(path), ".shares.json");
        builder.Services.TryAddSingleton<ISftpShareStore>(_ => new JsonFileShareStore(sharesPath));
        string credentialsPath = Path.ChangeExtension(Path.GetFullPath(path), ".credentials.json");
        builder.Services.TryAddSingleton<ISftpCredentialStore>(_ => new JsonFileCredentialStore(credentialsPath));
        string groupsPath = Path.ChangeExtension(Path.GetFullPath(path), ".groups.json");
        builder.Services.TryAddSingleton<ISftpGroupStore>(sp => new JsonFileGroupStore(groupsPath, sp.GetService<ISftpSecretProtector>()));
        string rulesPath = Path.ChangeExtension(Path.GetFullPath(path), ".eventrules.json");
        // Replaced, not tried: the rule engine's registration adds an in-memory default whether it comes before or after.
        builder.Services.Replace(ServiceDescriptor.Singleton<Events.Rules.ISftpEventRuleStore>(sp =>
            new Events.Rules.JsonFileEventRuleStore(rulesPath, sp.GetService<ISftpSecretProtector>(), sp.GetService<TimeProvider>())));
        builder.Services.TryAddSingleton(sp => new JsonFileUserStore(path, sp.GetService<ILogger<JsonFileUserStore>>(), sp.GetService<ISftpSecretProtector>()));
        return builder.AddUserStore(sp => sp.GetRequiredService<JsonFileUserStore>());
    }

    /// <summary>
    /// Uses the group store <paramref name="factory"/> returns (a singleton) for the groups accounts belong to
    /// (<see cref="SftpAccount.Groups"/>), in place of the default <see cref="InMemoryGroupStore"/>, the JSON-file
    /// store's <see cref="JsonFileGroupStore"/> or the SQL store's.
    /// </summary>
    public static ISftpServerBuilder AddGroupStore(this ISftpServerBuilder builder, Func<IServiceProvider, ISftpGroupStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Keeps groups in memory, seeded with copies of <paramref name="groups"/> (see <see cref="AddGroupStore"/>).</summary>
    public static ISftpServerBuilder AddInMemoryGroupStore(this ISftpServerBuilder builder, params SftpGroup[] groups)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var store = new InMemoryGroupStore(groups);
        return builder.AddGroupStore(_ => store);
    }

    /// <summary>
    /// Protects storage secrets of accounts at rest (see <see cref="SftpAccountSecrets.IsSecret"/>) with
    /// <see cref="AesGcmSecretProtector"/> keyed from <paramref name="keyFile"/> (base64 of 32 bytes; created with a
    /// random key and mode 0600 when missing). The JSON-file and SQL stores pick it up: they write <c>$aes$…</c>
    /// values and decrypt on load; plain values already stored keep working and are protected when their account is
    /// next saved. Without this call, secrets are stored as given.
    /// </summary>
    public static ISftpServerBuilder AddSecretProtection(this ISftpServerBuilder builder, string keyFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        builder.Services.TryAddSingleton<ISftpSecretProtector>(_ => AesGcmSecretProtector.FromKeyFile(keyFile));
        return builder;
    }

    /// <summary>Sets the server-wide policy options (after configuration binding).</summary>
    public static ISftpServerBuilder ConfigurePolicies(this ISftpServerBuilder builder, Action<SftpPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }
}
