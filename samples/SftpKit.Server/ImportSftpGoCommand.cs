using System.CommandLine;
using System.Text.Json;
using SftpKit.AspNetCore.Backup;

namespace SftpKit.Server;

/// <summary>
/// <c>import-sftpgo DUMP.json [--mode add-only|replace] [--report FILE]</c>: reads an SFTPGo backup (its
/// <c>dumpdata</c> output) into the configured stores, as <c>POST /api/v2/loaddata?format=sftpgo</c> does, and
/// prints every field or object that did not carry over (or writes them to FILE as a JSON array of
/// <c>{"path", "reason"}</c>). Exit codes: 0 imported (with or without issues), 1 nothing imported.
/// </summary>
internal static class ImportSftpGoCommand
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Build(Option<string> configDir, Option<string?> configFile)
    {
        var command = new Command("import-sftpgo", "Import an SFTPGo backup (users, groups, folders, admins, roles, shares, event rules); what does not map is reported");
        var dump = new Argument<string>("DUMP") { Description = "The SFTPGo backup (JSON, from its dumpdata)" };
        var mode = BackupCommands.ModeOption();
        var report = new Option<string?>("--report") { Description = "Write what did not carry over to this file (JSON) instead of stdout" };
        command.Arguments.Add(dump);
        command.Options.Add(mode);
        command.Options.Add(report);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(dump)!,
            parse.GetValue(mode)!, parse.GetValue(report), ct));
        return command;
    }

    private static async Task<int> RunAsync(string configDirectory, string? configFile, string dump, string mode, string? report, CancellationToken cancellationToken)
    {
        using var host = await BackupCommands.BuildHostAsync(configDirectory, configFile, cancellationToken);
        SftpBackupLoadResult result;
        try
        {
            await using var input = File.OpenRead(dump);
            result = await SftpAdminBackup.ImportSftpGoAsync(host.Services, input, BackupCommands.ParseMode(mode), cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        int code = BackupCommands.Print(result);
        if (report is not null)
        {
            await File.WriteAllTextAsync(report, JsonSerializer.Serialize(result.Issues, s_json), cancellationToken);
            Console.Out.WriteLine($"{result.Issues.Count} fields or objects did not carry over; listed in {Path.GetFullPath(report)}.");
        }
        else
        {
            Console.Out.WriteLine($"{result.Issues.Count} fields or objects did not carry over{(result.Issues.Count > 0 ? ":" : ".")}");
            foreach (var issue in result.Issues)
            {
                Console.Out.WriteLine($"  {issue.Path}: {issue.Reason}");
            }
        }
        return code;
    }
}
