using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SftpKit.Events;
using SftpKit.Events.Email;
using SftpKit.Events.Rules;
using SftpKit.FileSystem;

namespace SftpKit.Tests.Events.Email;

public sealed class EmailEventActionTests
{
    private static ServiceProvider Services(SmtpSink sink, Action<SftpSmtpOptions>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddEventEmail(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = sink.Port;
            o.From = "SftpKit <sftp@example.test>";
            o.Encryption = SftpSmtpEncryption.None;
            o.Timeout = TimeSpan.FromSeconds(20);
            more?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    private static async Task<InMemoryFileSystem> StorageWithAsync(string path, byte[] content)
    {
        var fs = new InMemoryFileSystem();
        await fs.CreateDirectoryAsync(VirtualPath.GetParent(path), CancellationToken.None);
        await using var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions(), CancellationToken.None);
        await writer.WriteAsync(content, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        return fs;
    }

    private static SftpEventActionContext Context(IServiceProvider services, SftpEmailActionSettings email, IVirtualFileSystem fs) => new(
        new SftpEventRule { Name = "notify-upload" },
        new SftpEventAction { Name = "mail", Type = SftpEventActionType.Email, Options = new SftpEventActionSettings { Email = email } },
        new SftpEvent { Kind = SftpEventKind.Upload, Protocol = SftpEventProtocol.Sftp, UserName = "alice", Path = "/in/report.csv" },
        "alice",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Name"] = "alice",
            ["VirtualPath"] = "/in/report.csv",
            ["ObjectName"] = "report.csv",
            ["FileSize"] = "70000",
            ["Event"] = "upload",
        },
        services,
        _ => ValueTask.FromResult(fs));

    private static ISftpEventActionExecutor Executor(IServiceProvider services)
        => services.GetServices<ISftpEventActionExecutor>().Single(e => e.Type == SftpEventActionType.Email);

    [Fact]
    public async Task An_upload_mail_arrives_with_placeholders_filled_and_the_file_attached()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var services = Services(sink);
        var content = new byte[70_000];
        new Random(17).NextBytes(content);
        var fs = await StorageWithAsync("/in/report.csv", content);
        var email = new SftpEmailActionSettings
        {
            Recipients = ["{{Name}}@example.test", "ops@example.test", "{{Missing}}"],
            Bcc = ["audit@example.test"],
            Subject = "{{Event}} of {{ObjectName}} by {{.Name}}",
            Body = "<p>{{Name}} uploaded {{VirtualPath}} ({{FileSize}} bytes).</p>",
            Html = true,
            Attachments = ["{{VirtualPath}}"],
        };

        await Executor(services).ExecuteAsync(Context(services, email, fs), CancellationToken.None);

        var (message, raw) = await sink.NextMessageAsync(1);
        Assert.Equal("upload of report.csv by alice", message.Subject);
        Assert.Equal(["alice@example.test", "ops@example.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Empty(message.Bcc);
        Assert.Contains("X-Envelope-To: alice@example.test,ops@example.test,audit@example.test", raw);
        Assert.Equal("sftp@example.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("<p>alice uploaded /in/report.csv (70000 bytes).</p>", message.HtmlBody!.Trim());
        var attachment = Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal("report.csv", attachment.FileName);
        var decoded = new MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded);
        Assert.Equal(content, decoded.ToArray());
    }

    [Fact]
    public async Task Plain_text_mail_authenticates_when_a_user_name_is_set()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var services = Services(sink, o => { o.UserName = "mailer"; o.Password = "secret"; o.HeloDomain = "sftpkit.test"; });
        var fs = new InMemoryFileSystem();
        var email = new SftpEmailActionSettings { Recipients = ["ops@example.test"], Subject = "Hello {{Name}}", Body = "Line one\nfor {{Name}}" };

        await Executor(services).ExecuteAsync(Context(services, email, fs), CancellationToken.None);

        var (message, raw) = await sink.NextMessageAsync(1);
        Assert.Contains("X-Authenticated: True", raw);
        Assert.Equal("Hello alice", message.Subject);
        Assert.Equal("Line one\nfor alice", message.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Null(message.HtmlBody);
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_a_generic_message()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var services = Services(sink, o => { o.UserName = "mailer"; o.Password = "wrong"; });
        var email = new SftpEmailActionSettings { Recipients = ["ops@example.test"], Subject = "s", Body = "b" };
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            Executor(services).ExecuteAsync(Context(services, email, new InMemoryFileSystem()), CancellationToken.None));
        Assert.Equal("sending the e-mail failed: the SMTP server refused the credentials", error.Message);
        Assert.DoesNotContain("wrong", error.Message);
    }

    [Fact]
    public async Task Attachments_over_the_limit_fail_before_anything_is_sent()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var services = Services(sink, o => o.MaxAttachmentsSize = 1000);
        var fs = await StorageWithAsync("/in/report.csv", new byte[1001]);
        var email = new SftpEmailActionSettings { Recipients = ["ops@example.test"], Subject = "s", Body = "b", Attachments = ["/in/report.csv"] };
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            Executor(services).ExecuteAsync(Context(services, email, fs), CancellationToken.None));
        Assert.Equal("the attachments add up to more than the limit of 1000 bytes (SftpKit:Smtp:MaxAttachmentsSize)", error.Message);
        Assert.Equal(0, sink.MessageCount);
    }

    [Fact]
    public async Task Attachment_paths_cannot_climb_out_of_the_account()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var services = Services(sink);
        var email = new SftpEmailActionSettings { Recipients = ["ops@example.test"], Subject = "s", Body = "b", Attachments = ["/in/../../etc/passwd"] };
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            Executor(services).ExecuteAsync(Context(services, email, new InMemoryFileSystem()), CancellationToken.None));
        Assert.StartsWith("the attachment path", error.Message);
    }

    [Fact]
    public void Options_are_validated_at_start()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddEventEmail(o => { o.Host = ""; o.From = "not an address"; o.Port = 0; });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SftpSmtpOptions>>().Value);
        Assert.Contains("SftpKit:Smtp:Host is required.", error.Failures);
        Assert.Contains("SftpKit:Smtp:Port must be 1-65535.", error.Failures);
        Assert.Contains("SftpKit:Smtp:From must be an e-mail address.", error.Failures);
    }

    [Fact]
    public void Smtp_options_bind_from_configuration_with_the_documented_defaults()
    {
        var defaults = new SftpSmtpOptions();
        Assert.Equal(587, defaults.Port);
        Assert.Equal(SftpSmtpEncryption.StartTls, defaults.Encryption);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Timeout);
        Assert.Equal(10L * 1024 * 1024, defaults.MaxAttachmentsSize);

        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Smtp:Host"] = "smtp.example.test",
            ["SftpKit:Smtp:From"] = "sftp@example.test",
            ["SftpKit:Smtp:Encryption"] = "SslOnConnect",
            ["SftpKit:Smtp:Port"] = "465",
            ["SftpKit:Smtp:MaxAttachmentsSize"] = "2048",
            ["SftpKit:Smtp:HeloDomain"] = "sftp.example.test",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddSftpServer().AddEventEmail();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SftpSmtpOptions>>().Value;
        Assert.Equal(("smtp.example.test", 465, SftpSmtpEncryption.SslOnConnect, 2048L, "sftp.example.test"),
            (options.Host, options.Port, options.Encryption, options.MaxAttachmentsSize, options.HeloDomain));
        Assert.IsAssignableFrom<ISftpEmailSender>(provider.GetRequiredService<ISftpEmailSender>());
    }
}
