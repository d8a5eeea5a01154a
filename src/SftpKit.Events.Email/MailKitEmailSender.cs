using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using SftpKit.Events.Rules;

namespace SftpKit.Events.Email;

/// <summary>
/// Sends event e-mail over SMTP with MailKit: one connection per message (connect, STARTTLS or TLS as configured,
/// authenticate when a user name is set, send, quit), at most <see cref="MaxConcurrentSends"/> at once. Attachments
/// are streamed from their streams while sending, not copied into memory. Failures become
/// <see cref="SftpEventActionException"/> with a generic reason; details (never the password) go to the log.
/// </summary>
internal sealed class MailKitEmailSender : ISftpEmailSender, IDisposable
{
    /// <summary>Most messages sent at once: 4 (more wait their turn).</summary>
    public const int MaxConcurrentSends = 4;

    /// <summary>Most recipients (To and Bcc together) of one message: 100.</summary>
    public const int MaxRecipients = 100;

    private readonly IOptionsMonitor<SftpSmtpOptions> _options;
    private readonly ILogger<MailKitEmailSender> _logger;
    private readonly SemaphoreSlim _gate = new(MaxConcurrentSends, MaxConcurrentSends);

    public MailKitEmailSender(IOptionsMonitor<SftpSmtpOptions> options, ILogger<MailKitEmailSender> logger)
    {
        _options = options;
        _logger = logger;
    }

    public async Task SendAsync(SftpEmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = _options.CurrentValue;
        using var mime = Build(message, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
            if (!string.IsNullOrWhiteSpace(options.HeloDomain))
            {
                client.LocalDomain = options.HeloDomain;
            }
            var security = options.Encryption switch
            {
                SftpSmtpEncryption.None => SecureSocketOptions.None,
                SftpSmtpEncryption.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(options.Host, options.Port, security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }
            await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            EmailLog.Sent(_logger, options.Host, options.Port, message.To.Count + message.Bcc.Count, message.Attachments.Count);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or IOException or SocketException or TimeoutException)
        {
            EmailLog.SendFailed(_logger, options.Host, options.Port, ex);
            string reason = ex switch
            {
                AuthenticationException => "the SMTP server refused the credentials",
                SslHandshakeException => "the TLS handshake with the SMTP server failed",
                SmtpCommandException command when command.ErrorCode == SmtpErrorCode.RecipientNotAccepted => "the SMTP server refused a recipient",
                SmtpCommandException => "the SMTP server refused the message",
                SocketException => "the SMTP server could not be reached",
                _ => "the SMTP conversation failed",
            };
            throw new SftpEventActionException("sending the e-mail failed: " + reason, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The MIME message: plain or HTML body, then each attachment streamed from its stream (base64).</summary>
    internal static MimeMessage Build(SftpEmailMessage message, SftpSmtpOptions options)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        AddAddresses(mime.To, message.To);
        AddAddresses(mime.Bcc, message.Bcc);
        int count = mime.To.Count + mime.Bcc.Count;
        if (count == 0)
        {
            throw new SftpEventActionException("the e-mail has no recipient");
        }
        if (count > MaxRecipients)
        {
            throw new SftpEventActionException($"the e-mail has more than {MaxRecipients} recipients");
        }
        mime.Subject = message.Subject.ReplaceLineEndings(" ");
        var body = new TextPart(message.IsHtml ? "html" : "plain") { Text = message.Body };
        if (message.Attachments.Count == 0)
        {
            mime.Body = body;
            return mime;
        }
        var mixed = new Multipart("mixed") { body };
        foreach (var attachment in message.Attachments)
        {
            mixed.Add(new MimePart(MimeTypes.GetMimeType(attachment.FileName))
            {
                Content = new MimeContent(attachment.Content),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        }
        mime.Body = mixed;
        return mime;
    }

    private static void AddAddresses(InternetAddressList list, IEnumerable<string> addresses)
    {
        foreach (string text in addresses)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            if (!MailboxAddress.TryParse(text.Trim(), out var address) || string.IsNullOrEmpty(address.Address) || !address.Address.Contains('@'))
            {
                throw new SftpEventActionException("an e-mail recipient is not a valid address");
            }
            list.Add(address);
        }
    }

    public void Dispose() => _gate.Dispose();
}
