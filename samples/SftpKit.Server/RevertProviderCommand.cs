using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Providers.Sql;

namespace SftpKit.Server;

/// <summary>
/// <c>revertprovider --to VERSION</c>: runs the SQL schema's down-migrations (<see cref="SqlMigrator.RevertAsync"/>)
/// back to VERSION, before going back to an older build. Tables and columns added after VERSION are dropped with their
/// data (back up first: <c>dumpdata</c>, or the database's own tools); every other table keeps its rows. Stop every
/// server on the database first, and start the older build (a build with <c>MigrateOnStart</c> migrates straight up
/// again). The JSON-file store has no schema versions: the command refuses it. Asks for confirmation unless
/// <c>--yes</c>; without a terminal <c>--yes</c> is required. Exit codes: 0 done, 1 refused or failed.
/// </summary>
internal static class RevertProviderCommand
{
    public static Command Build(Option<string> configDir, Option<string?> configFile)
    {
        var command = new Command("revertprovider",
            "Revert the SQL account store's schema to an earlier version (down-migrations, newest first); tables and columns added later are dropped with their data");
        var to = new Option<int>("--to") { Description = $"The schema version to go back to, 1 to {SqlMigrator.LatestVersion} (this build's)", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation" };
        command.Options.Add(to);
        command.Options.Add(yes);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(to), parse.GetValue(yes), ct));
        return command;
    }

    private static async Task<int> RunAsync(string configDirectory, string? configFile, int target, bool yes, CancellationToken cancellationToken)
    {
        if (target < 1 || target > SqlMigrator.LatestVersion)
        {
            return AccountCommands.Fail($"--to takes a version from 1 to {SqlMigrator.LatestVersion}.");
        }
        using var host = AccountCommands.BuildHost(configDirectory, configFile, out _);
        if (host.Services.GetRequiredService<ISftpUserStore>() is not SqlUserStore)
        {
            return AccountCommands.Fail(
                "revertprovider applies to the SQL account store (\"AccountStore\": \"sql\"). The JSON files (users.json, admins.json) have no schema versions: there is nothing to revert.");
        }
        var options = host.Services.GetRequiredService<IOptions<SqlStoreOptions>>().Value;
        int current;
        try
        {
            current = await SqlMigrator.GetVersionAsync(options, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return AccountCommands.Fail($"The database did not answer: {ex.Message}");
        }
        if (current <= target)
        {
            Console.Out.WriteLine($"Schema version {current} on {options.Provider}: nothing to revert to {target}.");
            return 0;
        }
        if (current > SqlMigrator.LatestVersion)
        {
            return AccountCommands.Fail($"The database is at schema version {current}, newer than this build's {SqlMigrator.LatestVersion}: revert it with the build that migrated it.");
        }
        if (!yes)
        {
            if (Console.IsInputRedirected)
            {
                return AccountCommands.Fail("Reverting drops tables and columns with their data: add --yes to confirm.");
            }
            Console.Error.Write($"Revert the schema on {options.Provider} from version {current} to {target}? Tables and columns added after {target} are dropped with their data. Type yes: ");
            if (!string.Equals(Console.In.ReadLine()?.Trim(), "yes", StringComparison.Ordinal))
            {
                return AccountCommands.Fail("Not confirmed; nothing changed.");
            }
        }
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SftpKit.Server.RevertProvider");
        int version = await SqlMigrator.RevertAsync(options, target, logger, cancellationToken);
        Console.Out.WriteLine($"Schema reverted from version {current} to {version} on {options.Provider}. Run `initprovider` (or start this build) to migrate up again.");
        return 0;
    }
}
