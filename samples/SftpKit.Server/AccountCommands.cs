using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Providers.Sql;

namespace SftpKit.Server;

/// <summary>
/// <c>users add|list|remove|passwd</c> and <c>initprovider</c>: work on the account store the configuration names
/// (same config directory and file as <c>serve</c>), without starting the server; they may run while it serves.
/// Exit codes: 0 done, 1 failed (the reason on stderr).
/// </summary>
internal static class AccountCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> AddAsync(string configDirectory, string? configFile, string name, string? password, bool passwordStdin,
        string? home, string? publicKeyFile, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile, out var paths);
        var store = host.Services.GetRequiredService<ISftpUserStore>();
        if (await store.FindAsync(name, cancellationToken) is not null)
        {
            return Fail($"Account {name} already exists.");
        }
        password = passwordStdin ? ReadPasswordLine() : password;
        if (string.IsNullOrEmpty(password) && publicKeyFile is null)
        {
            return Fail("Give --password, --password-stdin or --public-key.");
        }
        var account = new SftpAccount
        {
            UserName = name,
            HomeDirectory = home is { Length: > 0 } ? Path.GetFullPath(home) : SampleServices.DefaultHome(paths, name),
            PasswordHash = string.IsNullOrEmpty(password) ? null : SftpPasswordHasher.Hash(password),
        };
        if (publicKeyFile is not null)
        {
            foreach (string key in SampleAccounts.ReadAuthorizedKeys(publicKeyFile))
            {
                account.PublicKeys.Add(key);
            }
        }
        await store.CreateAsync(account, cancellationToken);
        Console.Out.WriteLine($"Account {name} created (home {account.HomeDirectory}).");
        return 0;
    }

    public static async Task<int> ListAsync(string configDirectory, string? configFile, bool json, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile, out _);
        var store = host.Services.GetRequiredService<ISftpUserStore>();
        var rows = new List<AccountRow>();
        await foreach (var account in store.ListAsync(cancellationToken))
        {
            rows.Add(new AccountRow(account.UserName, account.Enabled, account.HomeDirectory, account.PasswordHash is not null,
                account.PublicKeys.Count, account.LastLogin));
        }
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(rows, Json));
            return 0;
        }
        var table = new StringBuilder();
        string[] header = ["NAME", "ENABLED", "PASSWORD", "KEYS", "LAST LOGIN", "HOME"];
        var cells = rows.Select(r => new[]
        {
            r.UserName, r.Enabled ? "yes" : "no", r.HasPassword ? "yes" : "no", r.PublicKeys.ToString(CultureInfo.InvariantCulture),
            r.LastLogin?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-", r.HomeDirectory ?? "-",
        }).Prepend(header).ToList();
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length))];
        foreach (var row in cells)
        {
            table.AppendLine(string.Join("  ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))));
        }
        Console.Out.Write(table.ToString());
        return 0;
    }

    public static async Task<int> RemoveAsync(string configDirectory, string? configFile, string name, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile, out _);
        var store = host.Services.GetRequiredService<ISftpUserStore>();
        if (!await store.DeleteAsync(name, cancellationToken))
        {
            return Fail($"No account {name}.");
        }
        Console.Out.WriteLine($"Account {name} removed (its files are kept).");
        return 0;
    }

    public static async Task<int> PasswdAsync(string configDirectory, string? configFile, string name, string? password, bool passwordStdin,
        CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile, out _);
        var store = host.Services.GetRequiredService<ISftpUserStore>();
        var account = await store.FindAsync(name, cancellationToken);
        if (account is null)
        {
            return Fail($"No account {name}.");
        }
        if (passwordStdin || (password is null && Console.IsInputRedirected))
        {
            password = ReadPasswordLine();
        }
        else if (password is null)
        {
            password = Prompt("New password: ");
            if (Prompt("Repeat it: ") != password)
            {
                return Fail("The passwords differ.");
            }
        }
        if (string.IsNullOrEmpty(password))
        {
            return Fail("The password is empty.");
        }
        account.PasswordHash = SftpPasswordHasher.Hash(password);
        if (!await store.UpdateAsync(account, cancellationToken))
        {
            return Fail($"No account {name}.");
        }
        Console.Out.WriteLine($"Password of {name} changed.");
        return 0;
    }

    /// <summary>Creates the account store, or migrates its schema to this version, then exits.</summary>
    public static async Task<int> InitProviderAsync(string configDirectory, string? configFile, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile, out var paths);
        var store = host.Services.GetRequiredService<ISftpUserStore>();
        if (store is SqlUserStore sql)
        {
            await sql.EnsureSchemaAsync(cancellationToken);
            var options = host.Services.GetRequiredService<IOptions<SqlStoreOptions>>().Value;
            int version = await SqlMigrator.GetVersionAsync(options, cancellationToken);
            Console.Out.WriteLine($"Account store ready: {options.Provider}, schema version {version} (latest {SqlMigrator.LatestVersion}).");
        }
        else
        {
            int count = 0;
            await foreach (var _ in store.ListAsync(cancellationToken))
            {
                count++;
            }
            Console.Out.WriteLine($"Account store ready: JSON file in {paths.ConfigDirectory}, {count} accounts.");
        }
        return 0;
    }

    internal static IHost BuildHost(string configDirectory, string? configFile, out SampleConfiguration paths)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        paths = SampleConfiguration.Apply(builder.Configuration, configDirectory, configFile);
        // stdout carries the command's answer; only problems are logged, to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSampleSftpServer(builder.Configuration, paths);
        return builder.Build();
    }

    internal static string? ReadPasswordLine() => Console.In.ReadLine()?.TrimEnd('\r', '\n');

    internal static string Prompt(string text)
    {
        Console.Error.Write(text);
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return password.ToString();
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }

    private sealed record AccountRow(string UserName, bool Enabled, string? HomeDirectory, bool HasPassword, int PublicKeys, DateTimeOffset? LastLogin);
}
