using System.CommandLine;
using System.CommandLine.Invocation;

namespace SftpKit.Server;

/// <summary>
/// The command tree: <c>serve</c> (the default: the flags work without the word), <c>users add|list|remove|passwd</c>,
/// <c>initprovider</c>, <c>--version</c>. <c>--config-dir</c> and <c>--config-file</c> apply to every command.
/// </summary>
internal static class SampleCommandLine
{
    public static RootCommand Build()
    {
        var configDir = new Option<string>("--config-dir")
        {
            Description = "Directory with sftpkit.json or sftpkit.yaml, keys/, the SQLite database and admins.json (created if missing)",
            DefaultValueFactory = _ => "sftpkit-data",
            Recursive = true,
        };
        var configFile = new Option<string?>("--config-file")
        {
            Description = "Configuration file (.json, .yaml or .yml) instead of the one in the config directory",
            Recursive = true,
        };
        var root = new RootCommand("SftpKit server: SFTP/SCP on port 2022 and an admin REST API. Without a command it serves.");
        root.Options.Add(configDir);
        root.Options.Add(configFile);
        var version = root.Options.OfType<VersionOption>().Single();
        version.Action = new PrintVersionAction();

        var serve = new Command("serve", "Serve SFTP and the admin API until stopped (the default command)");
        AddServe(root, configDir, configFile);
        AddServe(serve, configDir, configFile);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(UsersCommand(configDir, configFile));

        var init = new Command("initprovider", "Create the configured account store, or migrate its schema, and exit");
        init.SetAction((parse, ct) => AccountCommands.InitProviderAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), ct));
        root.Subcommands.Add(init);
        root.Subcommands.Add(AdminsCommand.Build(configDir, configFile));
        root.Subcommands.Add(RevertProviderCommand.Build(configDir, configFile));
        root.Subcommands.Add(ConfigSchemaCommand.Build(configDir, configFile));
        Array.ForEach(BackupCommands.Build(configDir, configFile), root.Subcommands.Add);
        root.Subcommands.Add(ImportSftpGoCommand.Build(configDir, configFile));
        return root;
    }

    private static void AddServe(Command command, Option<string> configDir, Option<string?> configFile)
    {
        var port = new Option<int?>("--port") { Description = "SFTP listen port (replaces SftpKit:Listen). Default 2022" };
        var address = new Option<string?>("--address") { Description = "SFTP listen address (replaces SftpKit:Listen). Default 0.0.0.0" };
        var user = new Option<string[]>("--user")
        {
            Description = "NAME:PASSWORD: create or update an account in the store (repeatable; home DIR/home/NAME). It persists: starting without the flag keeps it; remove it with `users remove NAME`",
            AllowMultipleArgumentsPerToken = false,
        };
        var key = new Option<string[]>("--authorized-key") { Description = "NAME:PATH: add the keys of an authorized_keys file to NAME (repeatable)" };
        var logFile = new Option<string?>("--log-file-path") { Description = "Log to this file (relative to the config directory) instead of stdout" };
        var logSize = new Option<string?>("--log-max-size") { Description = "Rotate the log file at this size: 10MB, 512KB, ... (a bare number is MB). Default 10MB" };
        var logBackups = new Option<int?>("--log-max-backups") { Description = "Rotated log files to keep, 0 = all. Default 5" };
        var logAge = new Option<double?>("--log-max-age") { Description = "Days to keep rotated log files, 0 = no limit. Default 28" };
        var logCompress = new Option<bool?>("--log-compress") { Description = "Gzip rotated log files. Default false" };
        var logLevel = new Option<string?>("--log-level") { Description = "debug, info, warn or error. Default info" };
        foreach (var option in new Option[] { port, address, user, key, logFile, logSize, logBackups, logAge, logCompress, logLevel })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => ServeCommand.RunAsync(new ServeArguments(
            parse.GetValue(configDir)!,
            parse.GetValue(configFile),
            parse.GetValue(port),
            parse.GetValue(address),
            parse.GetValue(user) ?? [],
            parse.GetValue(key) ?? [],
            parse.GetValue(logFile),
            parse.GetValue(logSize),
            parse.GetValue(logBackups),
            parse.GetValue(logAge),
            parse.GetValue(logCompress),
            parse.GetValue(logLevel)), ct));
    }

    private static Command UsersCommand(Option<string> configDir, Option<string?> configFile)
    {
        var users = new Command("users", "Manage SFTP accounts in the configured store");
        var password = new Option<string?>("--password") { Description = "The password (visible in the process list: prefer --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin" };

        var add = new Command("add", "Create an account");
        var addName = new Argument<string>("NAME");
        var home = new Option<string?>("--home") { Description = "Home directory. Default DIR/home/NAME" };
        var publicKey = new Option<string?>("--public-key") { Description = "authorized_keys file whose keys may log in" };
        add.Arguments.Add(addName);
        add.Options.Add(password);
        add.Options.Add(passwordStdin);
        add.Options.Add(home);
        add.Options.Add(publicKey);
        add.SetAction((parse, ct) => AccountCommands.AddAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(addName)!,
            parse.GetValue(password), parse.GetValue(passwordStdin), parse.GetValue(home), parse.GetValue(publicKey), ct));

        var list = new Command("list", "List the accounts (a table, or JSON with --json)");
        var json = new Option<bool>("--json") { Description = "JSON array instead of a table" };
        list.Options.Add(json);
        list.SetAction((parse, ct) => AccountCommands.ListAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(json), ct));

        var remove = new Command("remove", "Delete an account (its files stay)");
        var removeName = new Argument<string>("NAME");
        remove.Arguments.Add(removeName);
        remove.SetAction((parse, ct) => AccountCommands.RemoveAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(removeName)!, ct));

        var passwd = new Command("passwd", "Set an account's password (prompted, or --password / --password-stdin)");
        var passwdName = new Argument<string>("NAME");
        passwd.Arguments.Add(passwdName);
        passwd.Options.Add(password);
        passwd.Options.Add(passwordStdin);
        passwd.SetAction((parse, ct) => AccountCommands.PasswdAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(passwdName)!,
            parse.GetValue(password), parse.GetValue(passwordStdin), ct));

        users.Subcommands.Add(add);
        users.Subcommands.Add(list);
        users.Subcommands.Add(remove);
        users.Subcommands.Add(passwd);
        return users;
    }

    /// <summary><c>--version</c>: version, commit and build date.</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(SampleVersion.Describe());
            return 0;
        }
    }
}
