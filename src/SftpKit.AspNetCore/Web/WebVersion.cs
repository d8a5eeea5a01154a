using System.Reflection;

namespace SftpKit.AspNetCore.Web;

/// <summary>The version shown in the pages' footer: the package's informational version without its build metadata.</summary>
internal static class WebVersion
{
    public static string Value { get; } = Read();

    private static string Read()
    {
        string? v = typeof(WebVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v))
        {
            return typeof(WebVersion).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        }
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? v : v[..plus];
    }
}
