using System.Net;
using System.Text.RegularExpressions;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Shares;
using Microsoft.Extensions.DependencyInjection;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// The account holder's share pages over real HTTP: create a share of an uploaded file through the form, see it
/// listed with its absolute link, download it byte-identical anonymously, revoke it (then the link answers 404).
/// Without <c>AddSftpShares</c> the pages answer 404 and the navigation has no Shares entry.
/// </summary>
public sealed partial class WebClientShareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_list_download_anonymously_and_revoke_a_share()
    {
        await using var server = await WebClientTestServer.StartAsync(shares: true);
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        byte[] content = new byte[200_000];
        Random.Shared.NextBytes(content);
        using (var upload = await browser.UploadAsync("/", ("shared data.bin", new ByteArrayContent(content))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, upload.StatusCode);
        }

        string files = await browser.Http.GetStringAsync("/web/client/files?path=%2F", Ct);
        Assert.Contains(">Shares</a>", files, StringComparison.Ordinal);
        Assert.Contains("/web/client/shares/new?path=%2Fshared%20data.bin", files, StringComparison.Ordinal);
        string form = await browser.Http.GetStringAsync("/web/client/shares/new?path=%2Fshared%20data.bin", Ct);
        Assert.Contains(">/shared data.bin</textarea>", form, StringComparison.Ordinal);

        // A path that does not exist: the form again, with the error, and nothing created.
        using (var wrong = await browser.PostFormAsync("/web/client/shares", "/web/client/shares/new", ("name", "nope"), ("paths", "/missing.bin"), ("scope", "1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("does not exist", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        string expires = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string location;
        using (var created = await browser.PostFormAsync("/web/client/shares", "/web/client/shares/new", ("name", "for bob"), ("paths", "/shared data.bin"),
            ("scope", "1"), ("password", ""), ("expires", expires), ("max_tokens", "5"), ("allow_from", "127.0.0.0/8")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
            location = created.Headers.Location!.ToString();
        }
        string list = await browser.Http.GetStringAsync(location, Ct);
        Assert.Contains("Share created.", list, StringComparison.Ordinal);
        Assert.Contains("for bob", list, StringComparison.Ordinal);
        Assert.Contains("<code>/shared data.bin</code>", list, StringComparison.Ordinal);
        Assert.Contains("0 / 5", list, StringComparison.Ordinal);
        Assert.Contains(expires, list, StringComparison.Ordinal);
        var link = LinkField().Match(list);
        Assert.True(link.Success, "no link shown after creation");
        var url = new Uri(WebUtility.HtmlDecode(link.Groups[1].Value));
        Assert.StartsWith(server.BaseAddress + "web/client/pubshares/", url.ToString(), StringComparison.Ordinal);
        string id = url.Segments[^1];

        var share = Assert.Single(await ListAsync(server, "alice"));
        Assert.Equal(id, share.Id);
        Assert.Equal(SftpShareScope.Read, share.Scope);
        Assert.Equal(5, share.MaxTokens);
        Assert.Equal(["127.0.0.0/8"], share.AllowFrom);

        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal(content, await anonymous.GetByteArrayAsync(url + "/files", Ct));
        Assert.Contains("1 / 5", await browser.Http.GetStringAsync("/web/client/shares", Ct), StringComparison.Ordinal);

        using (var delete = await browser.PostFormAsync("/web/client/shares/delete", "/web/client/shares", ("id", id)))
        {
            Assert.Equal(HttpStatusCode.SeeOther, delete.StatusCode);
        }
        Assert.DoesNotContain("for bob", await browser.Http.GetStringAsync("/web/client/shares", Ct), StringComparison.Ordinal);
        using (var gone = await anonymous.GetAsync(url + "/files", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        using (var again = await browser.PostFormAsync("/web/client/shares/delete", "/web/client/shares", ("id", id)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
    }

    [Fact]
    public async Task One_account_cannot_delete_anothers_share()
    {
        await using var server = await WebClientTestServer.StartAsync(shares: true);
        await File.WriteAllTextAsync(Path.Combine(server.Home("alice"), "a.txt"), "alpha", Ct);
        var result = await server.Services.GetRequiredService<ShareService>().CreateAsync("alice",
            new ShareDefinition { Name = "mine", Paths = ["/a.txt"] }, Ct);
        Assert.True(result.Succeeded);
        using var reader = server.Browser();
        await reader.SignInOkAsync("reader");
        Assert.DoesNotContain("mine", await reader.Http.GetStringAsync("/web/client/shares", Ct), StringComparison.Ordinal);
        using var delete = await reader.PostFormAsync("/web/client/shares/delete", "/web/client/shares", ("id", result.Share!.Id));
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Single(await ListAsync(server, "alice"));
    }

    [Fact]
    public async Task Without_share_links_the_pages_answer_404_and_the_nav_hides_them()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        string files = await browser.Http.GetStringAsync("/web/client/files", Ct);
        Assert.DoesNotContain(">Shares</a>", files, StringComparison.Ordinal);
        Assert.DoesNotContain("shares/new", files, StringComparison.Ordinal);
        using var list = await browser.Http.GetAsync("/web/client/shares", Ct);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        using var form = await browser.Http.GetAsync("/web/client/shares/new", Ct);
        Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        using var post = await browser.PostFormAsync("/web/client/shares", "/web/client/files", ("name", "x"), ("paths", "/"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    private static async Task<List<SftpShare>> ListAsync(WebClientTestServer server, string user)
    {
        var shares = new List<SftpShare>();
        await foreach (var share in server.Services.GetRequiredService<ShareService>().ListAsync(user, CancellationToken.None))
        {
            shares.Add(share);
        }
        return shares;
    }

    [GeneratedRegex("id=\"share-link\" readonly value=\"([^\"]+)\"")]
    private static partial Regex LinkField();
}
