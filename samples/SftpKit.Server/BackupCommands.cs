using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Backup;
using SftpKit.Providers.Sql;

namespace SftpKit.Server;

/// <summary>
/// <c>dumpdata FILE</c> and <c>loaddata FILE [--mode add-only|replace]</c>: the admin API's backup document
/// (<c>GET /api/v2/dumpdata</c>, <c>POST /api/v2/loaddata</c>) written to or read from a file, on the stores the
/// configuration names, without starting the server. Exit codes: 0 done, 1 failed (the reason on stderr).
/// </summary>
internal static class BackupCommands
{
    /// <summary><c>dumpdata</c> and <c>loaddata</c>.</summary>
    public static Command[] Build(Option<string> configDir, Option<string?> configFile) => [BuildDump(configDir, configFile), BuildLoad(configDir, configFile)];

    private static Command BuildDump(Option<string> configDir, Option<string?> configFile)
    {
        var group = new Command("dumpdata", "Write every account, folder, group, role, admin, API key, share and event rule to FILE (JSON; it holds password hashes: protect it)");
        var dumpFile = new Argument<string>("FILE") { Description = "Where to write the backup ('-' = stdout)" };
        group.Arguments.Add(dumpFile);
        group.SetAction((parse, ct) => DumpAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(dumpFile)!, ct));
        return group;
    }

    private static Command BuildLoad(Option<string> configDir, Option<string?> configFile)
    {
        var load = new Command("loaddata", "Restore a backup written by dumpdata (or GET /api/v2/dumpdata); validated whole first: on any error nothing changes");
        var loadFile = new Argument<string>("FILE") { Description = "The backup document ('-' = stdin)" };
        load.Arguments.Add(loadFile);
        var mode = ModeOption();
        load.Options.Add(mode);
        load.SetAction((parse, ct) => LoadAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(loadFile)!,
            parse.GetValue(mode)!, ct));
        return load;
    }

    /// <summary><c>--mode add-only|replace</c>, as <c>POST /loaddata</c>'s <c>mode</c>.</summary>
    public static Option<string> ModeOption()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "add-only (default: what exists stays as it is) or replace (what exists is overwritten)",
            DefaultValueFactory = _ => "add-only",
        };
        mode.AcceptOnlyFromAmong("add-only", "replace");
        return mode;
    }

    private static async Task<int> DumpAsync(string configDirectory, string? configFile, string file, CancellationToken cancellationToken)
    {
        using var host = await BuildHostAsync(configDirectory, configFile, cancellationToken);
        if (file == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await SftpAdminBackup.DumpAsync(host.Services, stdout, cancellationToken);
            return 0;
        }
        string full = Path.GetFullPath(file);
        string temporary = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Password hashes inside: readable by the owner only.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var output = new FileStream(temporary, options))
        {
            await SftpAdminBackup.DumpAsync(host.Services, output, cancellationToken);
        }
        File.Move(temporary, full, overwrite: true);
        Console.Out.WriteLine($"Backup written to {full}.");
        return 0;
    }

    private static async Task<int> LoadAsync(string configDirectory, string? configFile, string file, string mode, CancellationToken cancellationToken)
    {
        using var host = await BuildHostAsync(configDirectory, configFile, cancellationToken);
        await using var input = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
        SftpBackupLoadResult result;
        try
        {
            result = await SftpAdminBackup.LoadAsync(host.Services, input, ParseMode(mode), cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return Fail(e.Message);
        }
        return Print(result);
    }

    public static SftpRestoreMode ParseMode(string mode) => mode == "replace" ? SftpRestoreMode.Replace : SftpRestoreMode.AddOnly;

    /// <summary>The counts on stdout, or the errors on stderr (exit code 1).</summary>
    public static int Print(SftpBackupLoadResult result)
    {
        if (!result.Succeeded)
        {
            foreach (var (field, messages) in result.Errors)
            {
                Console.Error.WriteLine($"{field}: {string.Join(" ", messages)}");
            }
            return Fail("Nothing was restored.");
        }
        Console.Out.WriteLine($"Restored ({result.Mode}): {result.Added} accounts added, {result.Replaced} replaced, {result.Skipped} skipped.");
        return 0;
    }

    /// <summary>
    /// A host with the stores <c>serve</c> uses (accounts, folders, groups, roles, admins, shares, event rules), its
    /// SQL schema brought up to date, and nothing listening.
    /// </summary>
    public static async Task<IHost> BuildHostAsync(string configDirectory, string? configFile, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        var paths = SampleConfiguration.Apply(builder.Configuration, configDirectory, configFile);
        // stdout carries the command's answer; only problems are logged, to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSampleSftpServer(builder.Configuration, paths);
        builder.Services.AddSftpAdmin(o => o.RoleStoreFile = paths.Resolve(o.RoleStoreFile is { Length: > 0 } roles ? roles : "roles.json"));
        builder.Services.AddSftpShares();
        builder.Services.AddSftpAdminAuthentication(o => o.StoreFile = paths.Resolve(o.StoreFile is { Length: > 0 } file ? file : "admins.json"));
        var host = builder.Build();
        if (host.Services.GetRequiredService<ISftpUserStore>() is SqlUserStore sql)
        {
            await sql.EnsureSchemaAsync(cancellationToken);
        }
        return host;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
