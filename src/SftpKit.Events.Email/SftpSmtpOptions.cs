namespace SftpKit.Events.Email;

/// <summary>
/// The SMTP server event e-mail goes through, bound from <c>SftpKit:Smtp</c>. The password is never logged; keep it in
/// a secret store or an environment variable (<c>SftpKit__Smtp__Password</c>).
/// </summary>
public sealed class SftpSmtpOptions
{
    /// <summary>The configuration section: <c>SftpKit:Smtp</c>.</summary>
    public const string ConfigurationSectionName = "SftpKit:Smtp";

    /// <summary>Default of <see cref="MaxAttachmentsSize"/>: 10 MiB.</summary>
    public const long DefaultMaxAttachmentsSize = 10L * 1024 * 1024;

    /// <summary>The server's host name or address (required).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The server's port, 1–65535. Defaults to 587 (submission).</summary>
    public int Port { get; set; } = 587;

    /// <summary>The sender address, e.g. <c>SftpKit &lt;sftp@example.com&gt;</c> (required).</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The user name to authenticate with; null or empty sends without authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password for <see cref="UserName"/>; never logged.</summary>
    public string? Password { get; set; }

    /// <summary>How the connection is protected. Defaults to <see cref="SftpSmtpEncryption.StartTls"/>.</summary>
    public SftpSmtpEncryption Encryption { get; set; } = SftpSmtpEncryption.StartTls;

    /// <summary>Time for each network operation (connect, authenticate, send), 1 second to 5 minutes. Defaults to 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most bytes of attachments in one e-mail (the files' sizes added up), 0 to 1 GiB; an e-mail action whose files
    /// are larger fails before anything is sent. Defaults to <see cref="DefaultMaxAttachmentsSize"/> (10 MiB).
    /// </summary>
    public long MaxAttachmentsSize { get; set; } = DefaultMaxAttachmentsSize;

    /// <summary>The name sent in EHLO/HELO; null uses the machine's host name.</summary>
    public string? HeloDomain { get; set; }
}
