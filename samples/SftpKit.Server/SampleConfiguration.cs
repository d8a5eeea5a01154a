using System.Collections;
using Microsoft.Extensions.Configuration;

namespace SftpKit.Server;

/// <summary>
/// Where the sample's configuration comes from, in order (later wins): the host's defaults (including environment
/// variables spelled <c>SftpKit__Limits__IdleTimeout</c>), the configuration file (<c>--config-file</c>, else
/// <c>sftpkit.json</c>, <c>sftpkit.yaml</c> or <c>sftpkit.yml</c> in the config directory), then environment variables
/// <c>SFTPKIT__A__B</c>, read as key <c>SftpKit:A:B</c> (names are case-insensitive, so <c>SFTPKIT__LIMITS__IDLETIMEOUT</c>
/// sets <c>SftpKit:Limits:IdleTimeout</c>). Relative paths in the configuration resolve against the config directory.
/// Only the config directory is searched: the commented <c>sftpkit.json</c> the build puts beside the program is a
/// template, read once it is copied into the config directory; while it is not, <see cref="UnreadTemplate"/> names it
/// so the server can say so at start rather than ignore it silently.
/// </summary>
internal sealed class SampleConfiguration
{
    /// <summary>The environment variable prefix mapped onto the <c>SftpKit</c> section.</summary>
    public const string EnvironmentPrefix = "SFTPKIT__";

    private static readonly string[] FileNames = ["sftpkit.json", "sftpkit.yaml", "sftpkit.yml"];

    private SampleConfiguration(string directory, string? file)
    {
        ConfigDirectory = directory;
        ConfigFile = file;
    }

    /// <summary>The absolute config directory (created if missing).</summary>
    public string ConfigDirectory { get; }

    /// <summary>The configuration file read, or null when there is none.</summary>
    public string? ConfigFile { get; }

    /// <summary>
    /// The template <c>sftpkit.json</c> beside the program when no configuration file was read and the template is not
    /// in the config directory itself; else null.
    /// </summary>
    public string? UnreadTemplate => ConfigFile is null
        && Path.Combine(AppContext.BaseDirectory, FileNames[0]) is var template
        && File.Exists(template)
        && !string.Equals(Path.GetFullPath(Path.GetDirectoryName(template)!), ConfigDirectory, StringComparison.Ordinal)
            ? template
            : null;

    /// <summary>Adds the configuration file and the <c>SFTPKIT__</c> variables to <paramref name="builder"/>.</summary>
    /// <exception cref="FileNotFoundException"><paramref name="configFile"/> is given and does not exist.</exception>
    public static SampleConfiguration Apply(IConfigurationBuilder builder, string configDirectory, string? configFile)
    {
        string directory = Path.GetFullPath(configDirectory);
        Directory.CreateDirectory(directory);
        string? file = null;
        if (!string.IsNullOrEmpty(configFile))
        {
            file = Path.GetFullPath(configFile);
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Configuration file {file} does not exist.", file);
            }
        }
        else
        {
            file = FileNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
        }
        if (file is not null)
        {
            if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddYamlFile(file, optional: false, reloadOnChange: false);
            }
            else
            {
                builder.AddJsonFile(file, optional: false, reloadOnChange: false);
            }
        }
        builder.AddInMemoryCollection(ReadEnvironment(Environment.GetEnvironmentVariables()));
        return new SampleConfiguration(directory, file);
    }

    /// <summary>Maps <c>SFTPKIT__A__B=value</c> to <c>SftpKit:A:B</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ReadEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is string name && name.Length > EnvironmentPrefix.Length
                && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new("SftpKit:" + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), entry.Value as string);
            }
        }
    }

    /// <summary>An absolute path: <paramref name="path"/> as is when rooted, else under the config directory.</summary>
    public string Resolve(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(ConfigDirectory, path));
}
