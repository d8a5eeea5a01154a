using System.Globalization;
using System.Text;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// The <c>longname</c> of a NAME entry exactly as OpenSSH's <c>ls_file</c> prints it, because FileZilla and WinSCP
/// parse it: <c>-rw-r--r--    1 0        0            1234 Jan  1 12:34 name</c>. Owners are numeric (the server has
/// no account database to name them); times are UTC; entries older than six months (or in the future) show the year.
/// </summary>
internal static class SftpLongName
{
    private const long SixMonthsSeconds = 365L * 24 * 60 * 60 / 2;

    public static string Format(VfsFileInfo info, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(info);
        var builder = new StringBuilder(64 + info.Name.Length);
        AppendMode(builder, SftpAttributes.TypeBits(info.Type), info.Permissions);
        var inv = CultureInfo.InvariantCulture;
        // strmode(3) leaves a trailing space after the ten mode characters, then ls_file's format adds one.
        builder.Append("  ");
        builder.Append(inv, $"{info.LinkCount,3} ");
        builder.Append(inv, $"{info.Uid,-8} ");
        builder.Append(inv, $"{info.Gid,-8} ");
        builder.Append(inv, $"{Math.Max(0, info.Size),8} ");
        var time = info.LastWriteTime.ToUniversalTime();
        long age = now.ToUnixTimeSeconds() - time.ToUnixTimeSeconds();
        string month = inv.DateTimeFormat.GetAbbreviatedMonthName(time.Month);
        builder.Append(month).Append(' ').Append(inv, $"{time.Day,2}").Append(' ');
        if (age >= 0 && age < SixMonthsSeconds)
        {
            builder.Append(inv, $"{time.Hour:D2}:{time.Minute:D2}");
        }
        else
        {
            builder.Append(inv, $" {time.Year}");
        }
        builder.Append(' ').Append(info.Name);
        return builder.ToString();
    }

    /// <summary>strmode(3): type character, then rwx triplets with setuid/setgid/sticky folded in.</summary>
    private static void AppendMode(StringBuilder builder, uint typeBits, uint permissions)
    {
        builder.Append(typeBits switch
        {
            SftpAttributes.Directory => 'd',
            SftpAttributes.SymbolicLink => 'l',
            SftpAttributes.RegularFile => '-',
            _ => '?',
        });
        AppendTriplet(builder, permissions >> 6, (permissions & 0x800) != 0, 's');
        AppendTriplet(builder, permissions >> 3, (permissions & 0x400) != 0, 's');
        AppendTriplet(builder, permissions, (permissions & 0x200) != 0, 't');
    }

    private static void AppendTriplet(StringBuilder builder, uint bits, bool special, char specialChar)
    {
        builder.Append((bits & 4) != 0 ? 'r' : '-');
        builder.Append((bits & 2) != 0 ? 'w' : '-');
        bool execute = (bits & 1) != 0;
        builder.Append(special ? (execute ? specialChar : char.ToUpperInvariant(specialChar)) : (execute ? 'x' : '-'));
    }
}
