using Microsoft.Extensions.Options;

namespace SftpKit.Events.Email;

/// <summary>Checks <see cref="SftpSmtpOptions"/> at start.</summary>
internal sealed class SftpSmtpOptionsValidator : IValidateOptions<SftpSmtpOptions>
{
    /// <summary>Largest <see cref="SftpSmtpOptions.MaxAttachmentsSize"/>: 1 GiB.</summary>
    public const long MaxAttachmentsSizeLimit = 1024L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, SftpSmtpOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("SftpKit:Smtp:Host is required.");
        }
        if (options.Port is < 1 or > 65535)
        {
            errors.Add("SftpKit:Smtp:Port must be 1-65535.");
        }
        if (string.IsNullOrWhiteSpace(options.From) || !MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            errors.Add("SftpKit:Smtp:From must be an e-mail address.");
        }
        if (!Enum.IsDefined(options.Encryption))
        {
            errors.Add("SftpKit:Smtp:Encryption must be None, StartTls or SslOnConnect.");
        }
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("SftpKit:Smtp:Timeout must be 1 second to 5 minutes.");
        }
        if (options.MaxAttachmentsSize is < 0 or > MaxAttachmentsSizeLimit)
        {
            errors.Add("SftpKit:Smtp:MaxAttachmentsSize must be 0 to 1 GiB.");
        }
        if (!string.IsNullOrEmpty(options.Password) && string.IsNullOrEmpty(options.UserName))
        {
            errors.Add("SftpKit:Smtp:Password is set without a UserName.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
