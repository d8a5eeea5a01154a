using System.Net;
using System.Text.RegularExpressions;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>
/// An HttpClient that behaves like a browser without scripts: keeps cookies, does not follow redirects, and posts
/// forms with the antiforgery token read from the page (for tests that need no rendering).
/// </summary>
public sealed partial class WebFormClient : IDisposable
{
    private readonly HttpClient _client;

    public WebFormClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _client;

    /// <summary>GETs <paramref name="page"/>, reads its antiforgery token and POSTs <paramref name="fields"/> with it to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, IDictionary<string, string> fields)
    {
        using var get = await _client.GetAsync(page);
        string html = await get.Content.ReadAsStringAsync();
        var match = TokenField().Match(html);
        Assert.True(match.Success, "no antiforgery field on " + page);
        var all = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value) };
        return await _client.PostAsync(action, new FormUrlEncodedContent(all));
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
