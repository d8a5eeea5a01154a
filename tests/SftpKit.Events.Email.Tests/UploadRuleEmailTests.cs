using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using SftpKit.Events.Email;
using SftpKit.Events.Rules;
using SftpKit.Testing;

namespace SftpKit.Tests.Events.Email;

/// <summary>
/// The whole path: an SFTP upload (SSH.NET) raises the upload event, a rule whose path glob matches runs its e-mail
/// action through the engine, and the real SMTP server (aiosmtpd) receives the mail with the placeholders filled and
/// the uploaded file attached; an upload elsewhere does not match the glob and sends nothing.
/// </summary>
public sealed class UploadRuleEmailTests
{
    [Fact]
    public async Task An_on_upload_rule_mails_the_file_and_skips_other_paths()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var host = await SftpTestHost.StartAsync([new SftpTestUser("alice", "alice-password-1")], configureServer: b =>
        {
            b.AddEventRules();
            b.AddEventEmail(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = sink.Port;
                o.From = "SftpKit <sftp@example.test>";
                o.Encryption = SftpSmtpEncryption.None;
            });
        });
        var store = host.Services.GetRequiredService<ISftpEventRuleStore>();
        await store.CreateActionAsync(new SftpEventAction
        {
            Name = "mail-upload",
            Type = SftpEventActionType.Email,
            Options = new SftpEventActionSettings
            {
                Email = new SftpEmailActionSettings
                {
                    Recipients = ["{{Name}}@example.test"],
                    Subject = "{{Event}}: {{VirtualPath}} ({{FileSize}} bytes)",
                    Body = "{{Name}} uploaded {{ObjectName}} over {{Protocol}}.",
                    Attachments = ["{{VirtualPath}}"],
                },
            },
        }, CancellationToken.None);
        await store.CreateRuleAsync(new SftpEventRule
        {
            Name = "csv-in",
            Trigger = SftpEventTrigger.FileSystem,
            Conditions = new SftpEventRuleConditions { FsEvents = ["upload"], FsPaths = [new SftpEventPattern { Pattern = "/in/*.csv" }] },
            Actions = [new SftpEventRuleAction { Name = "mail-upload", Order = 1 }],
        }, CancellationToken.None);
        host.Services.GetRequiredService<ISftpEventRuleEngine>().Invalidate();

        byte[] content = new byte[50_001];
        new Random(5).NextBytes(content);
        using (var client = new SftpClient("127.0.0.1", host.Port, "alice", "alice-password-1"))
        {
            client.HostKeyReceived += (_, e) => e.CanTrust = true;
            await client.ConnectAsync(CancellationToken.None);
            client.CreateDirectory("/in");
            client.CreateDirectory("/out");
            using (var skipped = new MemoryStream(content))
            {
                client.UploadFile(skipped, "/out/skip.csv");
            }
            using var upload = new MemoryStream(content);
            client.UploadFile(upload, "/in/report.csv");
        }

        var (message, _) = await sink.NextMessageAsync(1);
        Assert.Equal("upload: /in/report.csv (50001 bytes)", message.Subject);
        Assert.Equal(["alice@example.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("alice uploaded report.csv over SFTP.", message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(message.Attachments.OfType<MimeKit.MimePart>());
        Assert.Equal("report.csv", attachment.FileName);
        using var decoded = new MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded);
        Assert.Equal(content, decoded.ToArray());

        // The run is recorded once its actions end, just after the mail is handed over: poll with a deadline.
        var runs = new List<SftpEventRun>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (runs.Count == 0 && DateTime.UtcNow < deadline)
        {
            await foreach (var run in host.Services.GetRequiredService<ISftpEventRunStore>().QueryAsync(new SftpEventRunQuery { Rule = "csv-in" }, CancellationToken.None))
            {
                runs.Add(run);
            }
            if (runs.Count == 0)
            {
                await Task.Delay(20);
            }
        }
        var only = Assert.Single(runs);
        Assert.Equal(SftpEventRunStatus.Ok, only.Status);
        Assert.Equal("/in/report.csv", only.Path);
        Assert.Equal(1, sink.MessageCount);
    }
}
