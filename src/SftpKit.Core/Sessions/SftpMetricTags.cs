namespace SftpKit.Sessions;

/// <summary>
/// Maps free-form values onto the fixed tag values of SftpKit's instruments, so a client can never grow a series
/// count: anything unknown becomes <c>other</c>.
/// </summary>
internal static class SftpMetricTags
{
    public const string Other = "other";

    /// <summary>An event protocol name (<c>SFTP</c>, <c>SCP</c>, <c>SSH</c>, <c>HTTP</c>) as a tag: sftp, scp, ssh, http or other.</summary>
    public static string Protocol(string? protocol) => protocol switch
    {
        "SFTP" or "sftp" => "sftp",
        "SCP" or "scp" => "scp",
        "SSH" or "ssh" => "ssh",
        "HTTP" or "http" => "http",
        _ => Other,
    };

    /// <summary>
    /// An SSH authentication method as a tag: none, password, publickey (also publickey-hostbound),
    /// keyboard-interactive, hostbased or other.
    /// </summary>
    public static string Method(string? method) => method switch
    {
        "none" => "none",
        "password" => "password",
        "publickey" or "publickey-hostbound-v00@openssh.com" => "publickey",
        "keyboard-interactive" => "keyboard-interactive",
        "hostbased" => "hostbased",
        _ => Other,
    };
}
