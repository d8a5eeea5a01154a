namespace SftpKit.Events.Email;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum SftpSmtpEncryption
{
    /// <summary>Plain text (trusted networks and local relays only).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587). The default.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}
