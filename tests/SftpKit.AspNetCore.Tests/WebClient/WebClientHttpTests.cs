using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>The web client over real HTTP: a real server, Kestrel on 127.0.0.1, cookies and antiforgery tokens as a browser has them.</summary>
public sealed class WebClientHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_list_download_range_rename_delete_with_http_events()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");

        byte[] first = Encoding.UTF8.GetBytes("hello from the web client\n");
        byte[] second = new byte[300_000];
        Random.Shared.NextBytes(second);
        using (var upload = await browser.UploadAsync("/", ("hello.txt", new ByteArrayContent(first)), ("data.bin", new ByteArrayContent(second))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, upload.StatusCode);
            Assert.Contains("done=uploaded", upload.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(server.Home("alice"), "hello.txt"), Ct));

        string listing = await browser.Http.GetStringAsync("/web/client/files?path=%2F", Ct);
        Assert.Contains("hello.txt", listing, StringComparison.Ordinal);
        Assert.Contains("data.bin", listing, StringComparison.Ordinal);

        using (var download = await browser.Http.GetAsync("/web/client/download?path=%2Fdata.bin", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(second, await download.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("data.bin", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
            Assert.Equal("bytes", download.Headers.AcceptRanges.Single());
        }
        using (var text = await browser.Http.GetAsync("/web/client/download?path=%2Fhello.txt", Ct))
        {
            Assert.Equal("text/plain", text.Content.Headers.ContentType!.MediaType);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/web/client/download?path=%2Fdata.bin"))
        {
            request.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var partial = await browser.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(second.AsSpan(1000, 1000).ToArray(), await partial.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal(1000, partial.Content.Headers.ContentRange!.From);
            Assert.Equal(second.Length, partial.Content.Headers.ContentRange.Length);
        }

        using (var mkdir = await browser.PostFormAsync("/web/client/mkdir", "/web/client/files", ("path", "/"), ("name", "docs")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, mkdir.StatusCode);
        }
        Assert.True(Directory.Exists(Path.Combine(server.Home("alice"), "docs")));
        using (var rename = await browser.PostFormAsync("/web/client/rename", "/web/client/files", ("path", "/"), ("from", "hello.txt"), ("to", "greeting.txt")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, rename.StatusCode);
        }
        Assert.True(File.Exists(Path.Combine(server.Home("alice"), "greeting.txt")));
        Assert.False(File.Exists(Path.Combine(server.Home("alice"), "hello.txt")));
        using (var delete = await browser.PostFormAsync("/web/client/delete", "/web/client/files", ("path", "/"), ("name", "greeting.txt")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, delete.StatusCode);
        }
        Assert.False(File.Exists(Path.Combine(server.Home("alice"), "greeting.txt")));

        // The same events as over SFTP, labelled HTTP.
        await WaitUntilAsync(() => server.Events.Any(e => e.Kind == SftpEventKind.Delete));
        var events = server.Events.Where(e => e.UserName == "alice").ToList();
        Assert.All(events, e => Assert.Equal(SftpEventProtocol.Http, e.Protocol));
        Assert.Contains(events, e => e.Kind == SftpEventKind.Upload && e.Path == "/data.bin" && e.Size == second.Length && e.Status == SftpEventStatus.Ok);
        Assert.Contains(events, e => e.Kind == SftpEventKind.Download && e.Path == "/data.bin");
        Assert.Contains(events, e => e.Kind == SftpEventKind.Rename && e.Path == "/hello.txt" && e.TargetPath == "/greeting.txt");
        Assert.Contains(events, e => e.Kind == SftpEventKind.Mkdir && e.Path == "/docs");
        Assert.Contains(server.PreEvents, e => e.Kind == SftpEventKind.Login && e.UserName == "alice" && e.Protocol == SftpEventProtocol.Http);
    }

    [Fact]
    public async Task A_folder_and_a_selection_download_as_streamed_zips()
    {
        await using var server = await WebClientTestServer.StartAsync();
        string home = server.Home("alice");
        Directory.CreateDirectory(Path.Combine(home, "photos", "2026"));
        await File.WriteAllTextAsync(Path.Combine(home, "photos", "a.txt"), "aaa", Ct);
        await File.WriteAllTextAsync(Path.Combine(home, "photos", "2026", "b.txt"), "bbbb", Ct);
        Directory.CreateDirectory(Path.Combine(home, "photos", "empty"));
        await File.WriteAllTextAsync(Path.Combine(home, "other.txt"), "other", Ct);
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");

        using (var folder = await browser.Http.GetAsync("/web/client/zip?path=%2Fphotos", HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, folder.StatusCode);
            Assert.Equal("application/zip", folder.Content.Headers.ContentType!.MediaType);
            Assert.Null(folder.Content.Headers.ContentLength); // streamed as it is built
            Dictionary<string, string> entries;
            try
            {
                entries = await ReadZipAsync(folder);
            }
            catch (HttpRequestException)
            {
                Assert.Fail(string.Join("\n", server.Log.Lines.Where(l => !l.StartsWith("Information Microsoft", StringComparison.Ordinal))));
                throw;
            }
            Assert.Equal("aaa", entries["a.txt"]);
            Assert.Equal("bbbb", entries["2026/b.txt"]);
            Assert.Contains("empty/", entries.Keys);
            Assert.Contains("2026/", entries.Keys);
        }
        using (var selection = await browser.Http.GetAsync("/web/client/zip?path=%2F&name=photos&name=other.txt", Ct))
        {
            var entries = await ReadZipAsync(selection);
            Assert.Equal("other", entries["other.txt"]);
            Assert.Equal("bbbb", entries["photos/2026/b.txt"]);
            Assert.Equal("aaa", entries["photos/a.txt"]);
        }
    }

    [Fact]
    public async Task A_zip_above_the_entry_limit_is_refused_before_it_starts()
    {
        await using var server = await WebClientTestServer.StartAsync(o => o.MaxZipEntries = 2);
        for (int i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(server.Home("alice"), $"f{i}.txt"), "x", Ct);
        }
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        using var response = await browser.Http.GetAsync("/web/client/zip?path=%2F", Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_policy_that_denies_uploads_over_sftp_denies_them_here_and_leaves_nothing()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("reader");
        using var upload = await browser.UploadAsync("/", ("denied.txt", new ByteArrayContent(new byte[1000])));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Contains("Permission denied.", await upload.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", string.Join(";", upload.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Home("reader")));
        using var mkdir = await browser.PostFormAsync("/web/client/mkdir", "/web/client/files", ("path", "/"), ("name", "nope"));
        Assert.Equal(HttpStatusCode.Forbidden, mkdir.StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Home("reader")));
    }

    [Fact]
    public async Task An_upload_refused_midway_leaves_no_partial_file()
    {
        await using var server = await WebClientTestServer.StartAsync();
        var alice = (await server.Users.FindAsync("alice", Ct))!;
        alice.MaxUploadFileSize = 100_000;
        await server.Users.UpdateAsync(alice, Ct);
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        using var upload = await browser.UploadAsync("/", ("big.bin", new ByteArrayContent(new byte[1_000_000])));
        Assert.True((int)upload.StatusCode >= 400, upload.StatusCode.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Home("alice"), "*", SearchOption.AllDirectories));
        await WaitUntilAsync(() => server.Events.Any(e => e.Kind == SftpEventKind.Upload));
        Assert.Contains(server.Events, e => e.Kind == SftpEventKind.Upload && e.Path == "/big.bin" && e.Status != SftpEventStatus.Ok);
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_opens_no_session()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        using (var wrong = await browser.SignInAsync("alice", "not the password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            string page = await wrong.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Invalid username or password.", page, StringComparison.Ordinal);
            Assert.Contains("name=\"username\"", page, StringComparison.Ordinal);
            Assert.Contains("name=\"password\"", page, StringComparison.Ordinal);
        }
        using (var unknown = await browser.SignInAsync("nobody", "whatever"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }
        using var files = await browser.Http.GetAsync("/web/client/files", Ct);
        Assert.Equal(HttpStatusCode.SeeOther, files.StatusCode);
        Assert.Contains("/web/client/login", files.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_sign_ins_are_scored_by_the_defender_and_a_banned_address_is_refused()
    {
        await using var server = await WebClientTestServer.StartAsync(serverOptions: o =>
        {
            o.Defender.Threshold = 3;
            o.Defender.ScoreInvalidCredentials = 1;
        });
        using var browser = server.Browser();
        for (int i = 0; i < 3; i++)
        {
            using var wrong = await browser.SignInAsync("alice", "wrong " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        var defender = (ISftpDefender)server.Services.GetService(typeof(ISftpDefender))!;
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Loopback, Ct));
        using var right = await browser.SignInAsync("alice", WebClientTestServer.Password);
        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Contains("not possible from this address", await right.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        using (var logout = await browser.PostFormAsync("/web/client/logout", "/web/client/files"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        }
        using var files = await browser.Http.GetAsync("/web/client/files", Ct);
        Assert.Equal(HttpStatusCode.SeeOther, files.StatusCode);
        Assert.Contains("/web/client/login", files.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_open_session_ends()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        var alice = (await server.Users.FindAsync("alice", Ct))!;
        alice.Enabled = false;
        await server.Users.UpdateAsync(alice, Ct);
        using (var files = await browser.Http.GetAsync("/web/client/files", Ct))
        {
            Assert.Equal(HttpStatusCode.SeeOther, files.StatusCode);
        }
        using var again = await browser.SignInAsync("alice", WebClientTestServer.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task Forms_without_the_antiforgery_token_are_refused()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        await browser.TokenAsync("/web/client/files"); // the antiforgery cookie is there; only the form's token is missing
        using (var mkdir = await browser.Http.PostAsync("/web/client/mkdir",
            new FormUrlEncodedContent([new("path", "/"), new("name", "forged")]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mkdir.StatusCode);
        }
        Assert.False(Directory.Exists(Path.Combine(server.Home("alice"), "forged")));
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[10]), "files", "forged.bin" } };
        using (var upload = await browser.Http.PostAsync("/web/client/upload?path=%2F", form, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        }
        var wrongToken = new MultipartFormDataContent
        {
            { new StringContent("CfDJ8-not-a-token"), "__RequestVerificationToken" },
            { new ByteArrayContent(new byte[10]), "files", "forged.bin" },
        };
        using (var upload = await browser.Http.PostAsync("/web/client/upload?path=%2F", wrongToken, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Home("alice")));
    }

    [Fact]
    public async Task The_profile_changes_the_password_and_the_keys()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        using var other = server.Browser();
        await other.SignInOkAsync("alice");

        using (var wrong = await browser.PostFormAsync("/web/client/profile/password", "/web/client/profile",
            ("current", "wrong"), ("new", "a new password 1"), ("confirm", "a new password 1")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        using (var changed = await browser.PostFormAsync("/web/client/profile/password", "/web/client/profile",
            ("current", WebClientTestServer.Password), ("new", "a new password 1"), ("confirm", "a new password 1")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, changed.StatusCode);
        }
        var alice = (await server.Users.FindAsync("alice", Ct))!;
        Assert.NotEqual(SftpKit.Accounts.PasswordVerificationResult.Failed, SftpKit.Accounts.SftpPasswordHasher.Verify(alice.PasswordHash!, "a new password 1"));
        // This session goes on; the other one ended with the old password.
        using (var mine = await browser.Http.GetAsync("/web/client/files", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        }
        using (var theirs = await other.Http.GetAsync("/web/client/files", Ct))
        {
            Assert.Equal(HttpStatusCode.SeeOther, theirs.StatusCode);
        }

        const string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl laptop";
        using (var added = await browser.PostFormAsync("/web/client/profile/keys", "/web/client/profile", ("key", key)))
        {
            Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        }
        alice = (await server.Users.FindAsync("alice", Ct))!;
        Assert.Equal(key, Assert.Single(alice.PublicKeys));
        string profile = await browser.Http.GetStringAsync("/web/client/profile", Ct);
        Assert.Contains("SHA256:", profile, StringComparison.Ordinal);
        var stamp = System.Text.RegularExpressions.Regex.Match(profile, "name=\"key\" value=\"([^\"]+)\"").Groups[1].Value;
        using (var removed = await browser.PostFormAsync("/web/client/profile/keys/delete", "/web/client/profile", ("index", "0"), ("key", WebUtility.HtmlDecode(stamp))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        }
        alice = (await server.Users.FindAsync("alice", Ct))!;
        Assert.Empty(alice.PublicKeys);
    }

    [Fact]
    public async Task Pages_send_a_csp_without_inline_scripts_and_no_store()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        using var login = await browser.Http.GetAsync("/web/client/login", Ct);
        string csp = string.Join(";", login.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", await login.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("no-store", login.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using var script = await browser.Http.GetAsync("/web/client/assets/webclient.js", Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        using var root = await browser.Http.GetAsync("/web/client/", Ct);
        Assert.Equal(HttpStatusCode.SeeOther, root.StatusCode);
    }

    private static async Task<Dictionary<string, string>> ReadZipAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var buffer = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            entries[entry.FullName] = await reader.ReadToEndAsync(Ct);
        }
        return entries;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20, Ct);
        }
    }
}
