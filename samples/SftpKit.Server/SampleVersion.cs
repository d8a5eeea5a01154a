using System.Reflection;

namespace SftpKit.Server;

/// <summary>Version, commit and build date stamped into the assembly at build time (see SftpKit.Server.csproj).</summary>
internal static class SampleVersion
{
    private static readonly Assembly Assembly = typeof(SampleVersion).Assembly;

    /// <summary>The informational version without the "+commit" suffix the SDK appends.</summary>
    public static string Version
    {
        get
        {
            string version = Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? Assembly.GetName().Version?.ToString() ?? "0.0.0";
            int plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    public static string Commit => Metadata("SourceRevisionId") ?? "unknown";

    public static string BuildDate => Metadata("BuildDate") ?? "unknown";

    /// <summary>The text <c>sftpkit --version</c> prints.</summary>
    public static string Describe() =>
        $"SftpKit.Server {Version}\ncommit: {Commit}\nbuild date: {BuildDate}\nruntime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";

    private static string? Metadata(string key) =>
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
