using System.CommandLine;

namespace SftpKit.Server;

/// <summary><c>sftpkit config-schema</c>: prints the JSON schema of sftpkit.json (<see cref="SampleConfigurationSchema"/>).</summary>
internal static class ConfigSchemaCommand
{
    public static Command Build(Option<string> configDir, Option<string?> configFile)
    {
        _ = configDir;
        _ = configFile;
        var command = new Command("config-schema", "Print the JSON schema of sftpkit.json (samples/SftpKit.Server/sftpkit.schema.json)");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(SampleConfigurationSchema.Generate());
            return 0;
        });
        return command;
    }
}
