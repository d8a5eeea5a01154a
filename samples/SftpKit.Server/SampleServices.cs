using SftpKit.Events.Email;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Events;
using SftpKit.Providers.Sql;
using SftpKit.Sftp;

namespace SftpKit.Server;

/// <summary>
/// The SFTP server, account store and storage the sample runs with, registered the same way for <c>serve</c> and for
/// the account commands. Every library section binds from configuration <c>SftpKit</c>: <c>Listen</c>, <c>Algorithms</c>,
/// <c>Limits</c>, <c>Defender</c>, ... (SftpServerOptions), <c>Policies</c>, <c>Events</c>, <c>Sql</c>, <c>S3</c>,
/// <c>Admin</c>, <c>Auth</c> (hooks) and <c>Auth:Ldap</c>; this class adds <c>Sftp</c> (SftpSubsystemOptions), <c>Events:Http</c> and <c>Events:Commands</c>
/// (lists of event actions), <c>AccountStore</c> (<c>sql</c>, the default, or <c>json</c>), <c>UsersFile</c> and
/// <c>SecretsKeyFile</c>.
/// </summary>
internal static class SampleServices
{
    public static ISftpServerBuilder AddSampleSftpServer(this IServiceCollection services, IConfiguration configuration,
        SampleConfiguration paths, Action<SftpServerOptions>? configure = null)
    {
        var server = services.AddSftpServer(options =>
        {
            configure?.Invoke(options);
            options.HostKeyDirectory = paths.Resolve(options.HostKeyDirectory);
            for (int i = 0; i < options.HostKeyFiles.Count; i++)
            {
                options.HostKeyFiles[i] = paths.Resolve(options.HostKeyFiles[i]);
            }
        });
        if (string.Equals(configuration["SftpKit:AccountStore"], "json", StringComparison.OrdinalIgnoreCase))
        {
            server.AddJsonFileUserStore(paths.Resolve(configuration["SftpKit:UsersFile"] is { Length: > 0 } file ? file : "users.json"));
            // Admins in DIR/admins.json (SftpKit:Admin:Authentication:StoreFile), the same file for serve and `admins`.
            string adminsFile = paths.Resolve(configuration["SftpKit:Admin:Authentication:StoreFile"] is { Length: > 0 } admins ? admins : "admins.json");
            services.TryAddSingleton<SftpKit.Admin.ISftpAdminStore>(_ => new SftpKit.Admin.JsonFileSftpAdminStore(adminsFile));
        }
        else
        {
            server.AddSqlUserStore(sql =>
            {
                if (string.IsNullOrEmpty(sql.ConnectionString))
                {
                    sql.Provider = SqlProvider.Sqlite;
                    sql.ConnectionString = "Data Source=sftpkit.db";
                }
                if (sql.Provider == SqlProvider.Sqlite)
                {
                    var builder = new SqliteConnectionStringBuilder(sql.ConnectionString);
                    if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
                    {
                        builder.DataSource = paths.Resolve(source);
                        sql.ConnectionString = builder.ToString();
                    }
                }
            });
            // Admins and API keys of the admin API share the accounts' database (AddSftpAdminAuthentication's
            // StoreFile applies only with the JSON account store).
            server.AddSqlAdminStore();
        }
        // S3 secret keys and SSE-C keys of accounts are stored AES-GCM encrypted, keyed from DIR/secrets.key
        // (SftpKit:SecretsKeyFile; created with mode 0600 on first start). Losing the key file loses those secrets.
        server.AddSecretProtection(paths.Resolve(configuration["SftpKit:SecretsKeyFile"] is { Length: > 0 } keyFile ? keyFile : "secrets.key"));
        // Logins: the account store, then LDAP (SftpKit:Auth:Ldap, when Host is set), then the external authentication
        // hooks in front of both (SftpKit:Auth; each hook off while empty).
        if (configuration["SftpKit:Auth:Ldap:Host"] is { Length: > 0 })
        {
            server.AddLdapAuthentication();
        }
        server.AddExternalAuthHooks();
        services.AddSftpKitOptions<SftpSubsystemOptions>("SftpKit:Sftp");
        foreach (var action in configuration.GetSection("SftpKit:Events:Http").GetChildren())
        {
            server.AddHttpEventNotification(o => action.Bind(o));
        }
        foreach (var action in configuration.GetSection("SftpKit:Events:Commands").GetChildren())
        {
            server.AddCommandEventAction(o =>
            {
                action.Bind(o);
                if (o.WorkingDirectory is { Length: > 0 } directory)
                {
                    o.WorkingDirectory = paths.Resolve(directory);
                }
            });
        }
        // Event rules (triggers + conditions + actions; options from SftpKit:EventRules, rules kept by the account
        // store's rule store when it has one, else in memory).
        server.AddEventRules();
        // The e-mail action and the password-expiry notices send through SftpKit:Smtp once its Host is set.
        if (configuration["SftpKit:Smtp:Host"] is { Length: > 0 })
        {
            server.AddEventEmail();
        }
        return server
            .AddS3Storage() // accounts with FileSystem.Provider "s3"; defaults from SftpKit:S3
            .AddSftpRemoteStorage() // FileSystem.Provider "sftp": another SFTP server; defaults from SftpKit:SftpStorage
            .AddAzureBlobStorage() // FileSystem.Provider "azureblob"; defaults from SftpKit:AzureBlob
            .AddSftp()
            .AddScp()
            .AddHashCommands()
            .AddCommandHandler<CatCommandHandler>();
    }

    /// <summary>The default home of an account created by the sample: DIR/home/NAME.</summary>
    public static string DefaultHome(SampleConfiguration paths, string userName) => paths.Resolve(Path.Combine("home", userName));
}
