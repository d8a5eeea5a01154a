using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Shares;

namespace SftpKit.AspNetCore.Tests.Shares;

/// <summary>
/// Share links end to end over a real Kestrel on 127.0.0.1: the password (form with antiforgery, or Basic; wrong ones
/// scored by the defender), expiry, the token limit, ranges, the streamed zip, upload-only links through the owner's
/// permissions and quota, allow_from, and revocation by an admin.
/// </summary>
public sealed class PublicShareTests : IAsyncLifetime
{
    private ShareTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ShareTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static string Url(SftpShare share, string rest = "") => ShareTestServer.Prefix + "/" + share.Id + rest;

    [Fact]
    public async Task A_password_share_asks_for_it_counts_wrong_ones_and_opens_with_the_form_or_basic()
    {
        var share = await _server.CreateAsync(new ShareDefinition { Name = "secret docs", Paths = ["/docs"], Password = "open sesame" });
        Assert.NotEqual("open sesame", (await _server.Store.FindAsync(share.Id, default))!.PasswordHash);
        using var client = _server.Client();

        using var page = await client.GetAsync(Url(share));
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("name=\"password\"", html);
        Assert.DoesNotContain("a.txt", html);
        using (var anonymous = await client.GetAsync(Url(share, "/files?path=/a.txt")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // A wrong password through the form: refused and scored against 127.0.0.1.
        string token = ShareTestServer.AntiforgeryToken(html);
        using (var wrong = await client.PostAsync(Url(share, "/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["password"] = "guess",
        })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong password", await wrong.Content.ReadAsStringAsync());
        }
        var host = await _server.Services.GetRequiredService<ISftpDefender>().GetHostAsync(IPAddress.Loopback);
        Assert.True(host is { Score: > 0 }, "the wrong password was not scored");

        // The form without its antiforgery token is refused before the password is looked at.
        using (var forged = await client.PostAsync(Url(share, "/login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "open sesame" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var login = await client.PostAsync(Url(share, "/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["password"] = "open sesame",
        })))
        {
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
            Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        }
        using (var opened = await client.GetAsync(Url(share)))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Contains("a.txt", await opened.Content.ReadAsStringAsync());
        }
        Assert.Equal("alpha file", await client.GetStringAsync(Url(share, "/files?path=/a.txt")));

        // Scripts send the password as Basic credentials.
        using var script = _server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(share, "/files?path=/a.txt"));
        request.Headers.Authorization = ShareTestServer.Basic("open sesame");
        using var basic = await script.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        using var badRequest = new HttpRequestMessage(HttpMethod.Get, Url(share, "/files?path=/a.txt"));
        badRequest.Headers.Authorization = ShareTestServer.Basic("nope");
        using var bad = await script.SendAsync(badRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task An_expired_share_is_not_found()
    {
        var now = DateTimeOffset.UtcNow;
        var share = new SftpShare
        {
            Id = ShareService.NewId(), Name = "old", UserName = "alice", Paths = ["/docs"], CreatedAt = now.AddDays(-2), UpdatedAt = now.AddDays(-2),
            ExpiresAt = now.AddMinutes(-1),
        };
        await _server.Store.CreateAsync(share, default);
        using var client = _server.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(share))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(share, "/files?path=/a.txt"))).StatusCode);
        var invalid = await _server.Shares.CreateAsync("alice", new ShareDefinition { Name = "x", Paths = ["/docs"], ExpiresAt = now.AddMinutes(-1) }, default);
        Assert.Contains("expires_at", invalid.Errors.Keys);
    }

    [Fact]
    public async Task Downloads_stop_at_the_token_limit_and_ranges_are_served()
    {
        var share = await _server.CreateAsync(new ShareDefinition { Name = "report", Paths = ["/report.txt"], MaxTokens = 3 });
        using var client = _server.Client();
        using (var page = await client.GetAsync(Url(share)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the page spends no token
            string html = await page.Content.ReadAsStringAsync();
            Assert.Contains("report.txt", html);
            Assert.Contains("/files?path=%2F\"", html); // the one file's link
            Assert.DoesNotContain("/zip", html);
        }
        using (var whole = await client.GetAsync(Url(share, "/files")))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("attachment", whole.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("0123456789abcdef", await whole.Content.ReadAsStringAsync());
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, Url(share, "/files")))
        {
            request.Headers.Range = new RangeHeaderValue(4, 9);
            using var part = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal("456789", await part.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(share, "/files"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(share, "/files"))).StatusCode);
        var stored = (await _server.Store.FindAsync(share.Id, default))!;
        Assert.Equal((3, true), (stored.UsedTokens, stored.LastUseAt is not null));
    }

    [Fact]
    public async Task A_folder_downloads_as_a_streamed_zip_and_paths_stay_inside_the_share()
    {
        var share = await _server.CreateAsync(new ShareDefinition { Name = "docs", Paths = ["/docs"] });
        using var client = _server.Client();
        using var response = await client.GetAsync(Url(share, "/zip"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        Assert.Equal(["a.txt", "deep/", "deep/b.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using (var reader = new StreamReader(zip.GetEntry("a.txt")!.Open()))
        {
            Assert.Equal("alpha file", await reader.ReadToEndAsync());
        }
        using (var copy = new MemoryStream())
        {
            await zip.GetEntry("deep/b.bin")!.Open().CopyToAsync(copy);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_server.Home, "docs", "deep", "b.bin")), copy.ToArray());
        }

        var listing = JsonNode.Parse(await client.GetStringAsync(Url(share, "/dirs?path=/deep")))!.AsArray();
        Assert.Equal("b.bin", listing.Single()!["name"]!.GetValue<string>());
        // ".." stops at the share's root: report.txt beside /docs is out of reach.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(share, "/files?path=/../report.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(share, "/files?path=..%2F..%2Freport.txt"))).StatusCode);
    }

    [Fact]
    public async Task An_upload_only_share_takes_files_through_the_owners_permissions_and_shows_nothing()
    {
        var inbox = await _server.CreateAsync(new ShareDefinition { Name = "drop box", Scope = SftpShareScope.Write, Paths = ["/inbox"] });
        using var client = _server.Client();
        using (var page = await client.GetAsync(Url(inbox)))
        {
            string html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("type=\"file\"", html);
            Assert.Contains("enctype=\"multipart/form-data\"", html);
        }
        byte[] payload = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        using (var upload = await client.PostAsync(Url(inbox, "/upload"), Multipart(("files", "../escape.bin", payload), ("files", "note.txt", "hi"u8.ToArray()))))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(_server.Home, "inbox", "escape.bin"))); // the name's last segment only
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(_server.Home, "inbox", "note.txt")));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(inbox, "/files?path=/note.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(inbox, "/dirs"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(inbox, "/zip"))).StatusCode);

        // The owner may not upload into /readonly: neither may the link.
        var readOnly = await _server.CreateAsync(new ShareDefinition { Name = "ro", Scope = SftpShareScope.Write, Paths = ["/readonly"] });
        using (var denied = await client.PostAsync(Url(readOnly, "/upload"), Multipart(("files", "x.txt", "x"u8.ToArray()))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
        Assert.False(File.Exists(Path.Combine(_server.Home, "readonly", "x.txt")));

        // A read share takes no upload; a write share must name a folder.
        var read = await _server.CreateAsync(new ShareDefinition { Name = "r", Paths = ["/docs"] });
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(Url(read, "/upload"), Multipart(("files", "y.txt", "y"u8.ToArray())))).StatusCode);
        var invalid = await _server.Shares.CreateAsync("alice", new ShareDefinition { Name = "w", Scope = SftpShareScope.Write, Paths = ["/report.txt"] }, default);
        Assert.Contains("paths", invalid.Errors.Keys);
    }

    [Fact]
    public async Task A_share_works_only_from_its_networks_and_a_revoked_share_is_gone()
    {
        var elsewhere = await _server.CreateAsync(new ShareDefinition { Name = "lan only", Paths = ["/docs"], AllowFrom = ["192.0.2.0/24"] });
        var share = await _server.CreateAsync(new ShareDefinition { Name = "docs", Paths = ["/docs"], Password = "pw" });
        using var client = _server.Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(elsewhere))).StatusCode);

        using var admin = _server.Client();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _server.AdminTokenAsync());
        var list = JsonNode.Parse(await admin.GetStringAsync("/api/v2/shares?username=alice"))!.AsArray();
        var listed = list.Single(s => s!["id"]!.GetValue<string>() == share.Id)!;
        Assert.Equal(("[**redacted**]", "alice", 1, 0), (listed["password"]!.GetValue<string>(), listed["username"]!.GetValue<string>(),
            listed["scope"]!.GetValue<int>(), listed["max_tokens"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v2/shares/" + share.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v2/shares/" + share.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(share))).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(share, "/files?path=/a.txt"));
        request.Headers.Authorization = ShareTestServer.Basic("pw");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ShareTestServer.Prefix + "/no-such-share")).StatusCode);
    }

    [Fact]
    public async Task Uploads_count_against_the_owners_quota()
    {
        await using var server = await ShareTestServer.StartAsync(a => a.QuotaSize = 4096);
        var inbox = await server.CreateAsync(new ShareDefinition { Name = "drop", Scope = SftpShareScope.ReadWrite, Paths = ["/inbox"] });
        using var client = server.Client();
        using (var small = await client.PostAsync(Url(inbox, "/upload"), Multipart(("files", "small.bin", new byte[1000]))))
        {
            Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        }
        using (var big = await client.PostAsync(Url(inbox, "/upload"), Multipart(("files", "big.bin", new byte[10_000]))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        }
        Assert.True(File.Exists(Path.Combine(server.Home, "inbox", "small.bin")));
        Assert.False(File.Exists(Path.Combine(server.Home, "inbox", "big.bin")));
        var listing = JsonNode.Parse(await client.GetStringAsync(Url(inbox, "/dirs")))!.AsArray();
        Assert.Equal(["small.bin"], listing.Select(e => e!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_browser_upload_with_the_share_cookie_needs_the_pages_antiforgery_field_first()
    {
        var share = await _server.CreateAsync(new ShareDefinition { Name = "drop", Scope = SftpShareScope.Write, Paths = ["/inbox"], Password = "pw" });
        using var client = _server.Client();
        string token = ShareTestServer.AntiforgeryToken(await (await client.GetAsync(Url(share))).Content.ReadAsStringAsync());
        using (var login = await client.PostAsync(Url(share, "/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["password"] = "pw",
        })))
        {
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        }
        string page = await (await client.GetAsync(Url(share))).Content.ReadAsStringAsync();
        string uploadToken = ShareTestServer.AntiforgeryToken(page);

        // The cookie alone (what a cross-site form would send) is not enough.
        using (var forged = await client.PostAsync(Url(share, "/upload"), Multipart(("files", "forged.txt", "x"u8.ToArray()))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        Assert.False(File.Exists(Path.Combine(_server.Home, "inbox", "forged.txt")));

        var content = new MultipartFormDataContent { { new StringContent(uploadToken), "__RequestVerificationToken" } };
        content.Add(new ByteArrayContent("from the page"u8.ToArray()), "files", "page.txt");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(share, "/upload")) { Content = content };
        request.Headers.Accept.ParseAdd("text/html");
        using var upload = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, upload.StatusCode);
        Assert.EndsWith("?uploaded=1", upload.Headers.Location!.OriginalString);
        Assert.Equal("from the page", await File.ReadAllTextAsync(Path.Combine(_server.Home, "inbox", "page.txt")));
        Assert.Equal(1, (await _server.Store.FindAsync(share.Id, default))!.UsedTokens); // the refused post spent none
    }

    [Fact]
    public async Task Owners_see_and_change_only_their_own_shares_and_a_new_password_ends_old_sessions()
    {
        var shares = _server.Shares;
        var share = await _server.CreateAsync(new ShareDefinition { Name = "docs", Paths = ["/docs"], Password = "one" });
        Assert.Null(await shares.GetAsync("mallory", share.Id, default));
        Assert.False(await shares.DeleteAsync("mallory", share.Id, default));
        Assert.True((await shares.UpdateAsync("mallory", share.Id, new ShareDefinition { Name = "x", Paths = ["/docs"] }, default)).NotFound);
        Assert.True((await shares.CreateAsync("nobody", new ShareDefinition { Name = "x", Paths = ["/docs"] }, default)).NotFound);
        var invalid = await shares.CreateAsync("alice", new ShareDefinition { Name = "", Paths = ["/missing"], MaxTokens = -1, AllowFrom = ["not an address"] }, default);
        Assert.Equal(["allow_from", "max_tokens", "name", "paths"], invalid.Errors.Keys.Order(StringComparer.Ordinal));

        using var client = _server.Client();
        using (var request = new HttpRequestMessage(HttpMethod.Get, Url(share, "/files?path=/a.txt")))
        {
            request.Headers.Authorization = ShareTestServer.Basic("one");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
        string token = ShareTestServer.AntiforgeryToken(await (await client.GetAsync(Url(share))).Content.ReadAsStringAsync());
        await client.PostAsync(Url(share, "/login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["password"] = "one" }));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(share))).StatusCode);

        var changed = await shares.UpdateAsync("alice", share.Id, new ShareDefinition { Name = "docs v2", Paths = ["/docs"], Password = "two" }, default);
        Assert.True(changed.Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Url(share))).StatusCode); // the old session is over
        var kept = await shares.UpdateAsync("alice", share.Id, new ShareDefinition { Name = "docs v3", Paths = ["/docs"] }, default);
        Assert.Equal(changed.Share!.PasswordHash, kept.Share!.PasswordHash); // null keeps the password
        var removed = await shares.UpdateAsync("alice", share.Id, new ShareDefinition { Name = "docs v4", Paths = ["/docs"], Password = "" }, default);
        Assert.Null(removed.Share!.PasswordHash);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(share))).StatusCode);
        Assert.Equal([share.Id], await ToIdsAsync(shares.ListAsync("alice", default)));
        Assert.True(await shares.DeleteAsync("alice", share.Id, default));
    }

    private static async Task<List<string>> ToIdsAsync(IAsyncEnumerable<SftpShare> shares)
    {
        var ids = new List<string>();
        await foreach (var share in shares)
        {
            ids.Add(share.Id);
        }
        return ids;
    }

    private static MultipartFormDataContent Multipart(params (string Field, string FileName, byte[] Content)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (field, fileName, bytes) in files)
        {
            content.Add(new ByteArrayContent(bytes), field, fileName);
        }
        return content;
    }
}
