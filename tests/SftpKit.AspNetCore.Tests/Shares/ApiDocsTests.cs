using System.Net;
using System.Text.Json.Nodes;

namespace SftpKit.AspNetCore.Tests.Shares;

/// <summary>The OpenAPI document declares how the admin API authenticates, and the rendered docs page answers.</summary>
public sealed class ApiDocsTests
{
    [Fact]
    public async Task The_document_declares_bearer_and_api_key_and_the_docs_page_renders()
    {
        await using var server = await ShareTestServer.StartAsync();
        using var client = server.Client();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal(("http", "bearer"), (schemes["bearer"]!["type"]!.GetValue<string>(), schemes["bearer"]!["scheme"]!.GetValue<string>()));
        Assert.Equal(("apiKey", "header", "X-SFTPKIT-API-KEY"),
            (schemes["apiKey"]!["type"]!.GetValue<string>(), schemes["apiKey"]!["in"]!.GetValue<string>(), schemes["apiKey"]!["name"]!.GetValue<string>()));
        var revoke = document["paths"]!["/api/v2/shares/{id}"]!["delete"]!;
        var requirements = revoke["security"]!.AsArray().Select(r => r!.AsObject().Single().Key).ToList();
        Assert.Equal(["bearer", "apiKey"], requirements);
        Assert.Contains("manage_users", revoke["description"]!.GetValue<string>());
        var token = document["paths"]!["/api/v2/token"]!["post"]!;
        Assert.Equal("basic", token["security"]!.AsArray().Single()!.AsObject().Single().Key);

        using var browser = new HttpClient { BaseAddress = server.BaseAddress }; // follows the page's redirect to its canonical URL
        using var docs = await browser.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
    }
}
