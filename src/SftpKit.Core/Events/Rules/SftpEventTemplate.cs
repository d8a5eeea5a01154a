using System.Text;

namespace SftpKit.Events.Rules;

/// <summary>Fills <c>{{Name}}</c> / <c>{{.Name}}</c> placeholders (SFTPGo writes the dotted form) from a dictionary.</summary>
internal static class SftpEventTemplate
{
    /// <summary>Longest rendered text: 1 MiB; longer output is cut there.</summary>
    public const int MaxLength = 1024 * 1024;

    public static string Render(string? template, IReadOnlyDictionary<string, string> values)
    {
        if (string.IsNullOrEmpty(template))
        {
            return string.Empty;
        }
        int open = template.IndexOf("{{", StringComparison.Ordinal);
        if (open < 0)
        {
            return template;
        }
        var output = new StringBuilder(template.Length + 64);
        int position = 0;
        while (open >= 0)
        {
            int close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }
            output.Append(template, position, open - position);
            var name = template.AsSpan(open + 2, close - open - 2).Trim();
            if (name.Length > 0 && name[0] == '.')
            {
                name = name[1..];
            }
            if (values.TryGetValue(name.ToString(), out var value))
            {
                output.Append(value);
            }
            position = close + 2;
            if (output.Length > MaxLength)
            {
                return output.ToString(0, MaxLength);
            }
            open = template.IndexOf("{{", position, StringComparison.Ordinal);
        }
        output.Append(template, position, template.Length - position);
        return output.Length > MaxLength ? output.ToString(0, MaxLength) : output.ToString();
    }
}
