namespace SftpKit.Tests.Interop;

/// <summary>
/// Whether this machine lets a FUSE file system be mounted, decided from the machine itself — the device, the mount
/// helper and the privilege it needs — so that a failing mount can never be mistaken for a missing FUSE.
/// </summary>
internal static class FuseProbe
{
    public static bool CanMount(out string reason)
    {
        string? fusermount = new[] { "/usr/bin/fusermount3", "/usr/bin/fusermount", "/bin/fusermount3", "/bin/fusermount" }.FirstOrDefault(File.Exists);
        if (fusermount is null)
        {
            reason = "no fusermount (Debian package fuse3)";
            return false;
        }

        try
        {
            using var device = File.OpenHandle("/dev/fuse", FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reason = "/dev/fuse cannot be opened: " + ex.Message;
            return false;
        }

        if (Environment.UserName == "root")
        {
            reason = LinuxCapabilities.Has(LinuxCapabilities.SysAdmin) ? "" : "root without CAP_SYS_ADMIN";
        }
        else
        {
            reason = (File.GetUnixFileMode(fusermount) & UnixFileMode.SetUser) != 0 ? "" : fusermount + " is not setuid";
        }
        return reason.Length == 0;
    }
}
