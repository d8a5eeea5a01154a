using System.Globalization;

namespace SftpKit.Tests;

/// <summary>The calling process's effective Linux capabilities, read from <c>/proc/self/status</c>.</summary>
public static class LinuxCapabilities
{
    /// <summary>CAP_SYS_ADMIN: mount(2), among others.</summary>
    public const int SysAdmin = 21;

    /// <summary>Whether the effective set holds capability <paramref name="bit"/> (false off Linux).</summary>
    public static bool Has(int bit)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return false;
        }
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong effective)
            && (effective & (1UL << bit)) != 0;
    }
}
