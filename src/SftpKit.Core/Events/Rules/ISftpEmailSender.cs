namespace SftpKit.Events.Rules;

/// <summary>
/// Sends e-mail for event actions (the e-mail action, the password expiration check). Registered by the optional
/// SftpKit.Events.Email package (<c>AddEventEmail</c>, SMTP through MailKit); a host may register its own. Without one,
/// actions that need to send mail fail with a clear message.
/// </summary>
public interface ISftpEmailSender
{
    /// <summary>Sends <paramref name="message"/>; throws <see cref="SftpEventActionException"/> with a safe message on failure.</summary>
    Task SendAsync(SftpEmailMessage message, CancellationToken cancellationToken);
}

/// <summary>One e-mail to send.</summary>
public sealed class SftpEmailMessage
{
    /// <summary>Recipient addresses (at least one of these or <see cref="Bcc"/>).</summary>
    public IList<string> To { get; init; } = new List<string>();

    /// <summary>Blind-copy addresses.</summary>
    public IList<string> Bcc { get; init; } = new List<string>();

    /// <summary>The subject.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>The body.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>When true <see cref="Body"/> is HTML, otherwise plain text.</summary>
    public bool IsHtml { get; init; }

    /// <summary>Files to attach; the caller owns (and disposes) their streams.</summary>
    public IList<SftpEmailAttachment> Attachments { get; init; } = new List<SftpEmailAttachment>();
}

/// <summary>A file attached to an <see cref="SftpEmailMessage"/>.</summary>
public sealed class SftpEmailAttachment
{
    /// <summary>Creates the attachment.</summary>
    /// <param name="fileName">The name the recipient sees.</param>
    /// <param name="content">The content, readable and seekable; owned by the caller.</param>
    public SftpEmailAttachment(string fileName, Stream content)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(content);
        FileName = fileName;
        Content = content;
    }

    /// <summary>The name the recipient sees.</summary>
    public string FileName { get; }

    /// <summary>The content, readable and seekable; owned by the caller.</summary>
    public Stream Content { get; }
}
