using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.AspNetCore.Tests;

internal static class HttpJson
{
    public static async Task<JsonNode?> BodyAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PostAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PutAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal((int)status, body["status"]!.GetValue<int>());
        return body;
    }

    /// <summary>Asserts a 400 validation problem; returns its field names.</summary>
    public static async Task<HashSet<string>> AssertValidationProblemAsync(this HttpResponseMessage response)
    {
        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        return body["errors"]!.AsObject().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
    }

    public static async Task<T> ReadAsAsync<T>(this HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<T>())!;
}
