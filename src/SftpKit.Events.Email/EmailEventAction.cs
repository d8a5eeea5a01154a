using Microsoft.Extensions.Options;
using SftpKit.Events.Rules;
using SftpKit.FileSystem;

namespace SftpKit.Events.Email;

/// <summary>
/// Carries out <see cref="SftpEventActionType.Email"/> actions: recipients, blind copies, subject and body are templates
/// filled with the event's placeholders (empty recipients after filling are dropped); the body is HTML or plain text;
/// attachments are files of the account's storage (virtual-path templates, no <c>..</c>), streamed while sending. Their
/// sizes added up must stay within <see cref="SftpSmtpOptions.MaxAttachmentsSize"/>, checked before anything is sent.
/// At most <see cref="MaxAttachments"/> files per e-mail.
/// </summary>
internal sealed class EmailEventAction(ISftpEmailSender sender, IOptionsMonitor<SftpSmtpOptions> options) : ISftpEventActionExecutor
{
    /// <summary>Most files attached to one e-mail: 20.</summary>
    public const int MaxAttachments = 20;

    public SftpEventActionType Type => SftpEventActionType.Email;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.Email ?? throw new SftpEventActionException("the e-mail action has no settings");
        var to = settings.Recipients.Select(context.Render).Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        var bcc = settings.Bcc.Select(context.Render).Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (to.Count == 0 && bcc.Count == 0)
        {
            throw new SftpEventActionException("the e-mail has no recipient");
        }
        var attachmentPaths = settings.Attachments.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
        if (attachmentPaths.Count > MaxAttachments)
        {
            throw new SftpEventActionException($"the e-mail names more than {MaxAttachments} attachments");
        }
        var attachments = new List<SftpEmailAttachment>();
        IVirtualFileSystem? fs = null;
        try
        {
            if (attachmentPaths.Count > 0)
            {
                fs = await context.OpenFileSystemAsync(cancellationToken).ConfigureAwait(false);
                await OpenAttachmentsAsync(context, fs, attachmentPaths, attachments, options.CurrentValue.MaxAttachmentsSize, cancellationToken)
                    .ConfigureAwait(false);
            }
            var message = new SftpEmailMessage
            {
                To = to,
                Bcc = bcc,
                Subject = context.Render(settings.Subject),
                Body = context.Render(settings.Body),
                IsHtml = settings.Html,
                Attachments = attachments,
            };
            await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var attachment in attachments)
            {
                await attachment.Content.DisposeAsync().ConfigureAwait(false);
            }
            if (fs is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (fs is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    private static async Task OpenAttachmentsAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<string> templates,
        List<SftpEmailAttachment> attachments, long limit, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (string template in templates)
        {
            string path = ResolvePath(context, template);
            VfsFileInfo info;
            try
            {
                info = await fs.GetInfoAsync(path, followLinks: true, cancellationToken).ConfigureAwait(false);
                if (info.Type != VfsFileType.File)
                {
                    throw new SftpEventActionException($"the attachment '{Shorten(path)}' is not a file");
                }
                total += info.Size;
                if (total > limit)
                {
                    throw new SftpEventActionException(
                        $"the attachments add up to more than the limit of {limit} bytes (SftpKit:Smtp:MaxAttachmentsSize)");
                }
                var reader = await fs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                attachments.Add(new SftpEmailAttachment(VirtualPath.GetName(path), new VfsReadStream(reader, info.Size)));
            }
            catch (VfsException ex)
            {
                throw new SftpEventActionException($"the attachment '{Shorten(path)}' could not be read ({ex.Error})", ex);
            }
        }
    }

    /// <summary>Fills a path template and confines it to the account: no <c>..</c> segments, no control characters.</summary>
    internal static string ResolvePath(SftpEventActionContext context, string template)
    {
        string rendered = context.Render(template).Trim();
        if (rendered.Length == 0 || rendered.Split('/').Any(s => s == ".."))
        {
            throw new SftpEventActionException($"the attachment path '{Shorten(rendered)}' is not valid");
        }
        try
        {
            string path = VirtualPath.Normalize(rendered.StartsWith('/') ? rendered : "/" + rendered);
            return path == VirtualPath.Root ? throw new SftpEventActionException("an attachment path names the root") : path;
        }
        catch (VfsException)
        {
            throw new SftpEventActionException($"the attachment path '{Shorten(rendered)}' is not valid");
        }
    }

    private static string Shorten(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 200 ? clean : clean[..197] + "...";
    }
}
