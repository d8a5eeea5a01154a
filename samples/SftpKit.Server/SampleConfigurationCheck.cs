using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SftpKit.Server;

/// <summary>
/// The start-up check of configuration keys: every key under <c>SftpKit</c> (file, environment variables) is matched
/// against <see cref="SampleConfigurationModel"/>; each unknown one is logged as a warning with the closest known
/// name at that level (<c>SftpKit:Limts</c> → did you mean <c>SftpKit:Limits</c>?), by Damerau–Levenshtein distance
/// of at most a third of the name's length (at least 2). With <c>SftpKit:StrictConfiguration=true</c> an unknown key
/// refuses the start.
/// </summary>
internal static class SampleConfigurationCheck
{
    public const string StrictKey = "SftpKit:StrictConfiguration";

    /// <summary>Unknown keys (full paths) and their closest known names (full paths, or null).</summary>
    public static List<(string Key, string? Suggestion)> FindUnknownKeys(IConfiguration configuration)
    {
        var unknown = new List<(string, string?)>();
        Walk(configuration.GetSection("SftpKit"), SampleConfigurationModel.Root(), unknown);
        return unknown;
    }

    /// <summary>Logs the unknown keys; false when strict mode refuses the start.</summary>
    public static bool Check(IConfiguration configuration, ILogger logger)
    {
        var unknown = FindUnknownKeys(configuration);
        foreach (var (key, suggestion) in unknown)
        {
            ServiceLog.UnknownConfigurationKey(logger, key, suggestion is null ? "" : $" (did you mean {suggestion}?)");
        }
        return unknown.Count == 0 || !configuration.GetValue<bool>(StrictKey);
    }

    private static void Walk(IConfigurationSection section, SampleConfigurationModel node, List<(string, string?)> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            switch (node.Kind)
            {
                case SampleConfigurationModel.NodeKind.Object:
                    if (node.Children.TryGetValue(child.Key, out var known))
                    {
                        Walk(child, known, unknown);
                    }
                    else
                    {
                        string? closest = Closest(child.Key, node.Children.Keys);
                        unknown.Add((child.Path, closest is null ? null : section.Path + ":" + closest));
                    }
                    break;
                case SampleConfigurationModel.NodeKind.List or SampleConfigurationModel.NodeKind.Map:
                    Walk(child, node.Item!, unknown);
                    break;
                default:
                    return; // a plain value or free-form section: nothing below it is checked
            }
        }
    }

    /// <summary>The candidate nearest to <paramref name="name"/>, when near enough to be a typo.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        int limit = Math.Max(2, name.Length / 3);
        return candidates.Select(c => (Name: c, Distance: Distance(name.ToUpperInvariant(), c.ToUpperInvariant())))
            .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).FirstOrDefault();
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
