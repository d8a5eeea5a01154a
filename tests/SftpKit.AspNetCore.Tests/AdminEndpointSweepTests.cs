using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// Every endpoint MapSftpAdmin maps (read from the routing table, so endpoints added later are covered too) answers
/// bad requests with problem details and changes nothing: 401 without credentials, 403 without the permission,
/// 413 for bodies over the limit, 400/415 for bodies of the wrong shape or type.
/// </summary>
public sealed class AdminEndpointSweepTests
{
    /// <summary>POST endpoints that take no body (a body sent anyway is ignored).</summary>
    private static readonly HashSet<string> s_bodyless = new(StringComparer.Ordinal) { "/api/v2/quotas/users/{userName}/scan", "/api/v2/token",
        "/api/v2/admin/totp/generate", "/api/v2/admin/2fa/recoverycodes", "/api/v2/users/{userName}/2fa/disable", "/api/v2/admins/{userName}/2fa/disable",
        "/api/v2/eventrules/run/{name}" };

    private static List<(string Method, string Pattern, string Url, string Permission)> Endpoints(AdminTestServer server)
    {
        var list = new List<(string, string, string, string)>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/v2/", StringComparison.Ordinal) || endpoint.Metadata.GetMetadata<SftpAdminPermissionMetadata>() is not { } permission)
            {
                continue;
            }
            string url = pattern.Replace("{userName}", "nobody", StringComparison.Ordinal).Replace("{name}", "nobody", StringComparison.Ordinal)
                .Replace("{id}", "nope", StringComparison.Ordinal).Replace("{address}", "192.0.2.1", StringComparison.Ordinal).Replace("{connectionId}", "nope", StringComparison.Ordinal);
            Assert.DoesNotContain("{", url, StringComparison.Ordinal);
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                list.Add((method, pattern, url, permission.Permission));
            }
        }
        return list;
    }

    private static HttpRequestMessage Request(string method, string url, string? body = null, string contentType = "application/json") =>
        new(new HttpMethod(method), url) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType) };

    private static async Task<string> StateAsync(AdminTestServer server)
    {
        var admins = new List<string>();
        await foreach (var admin in server.Services.GetRequiredService<ISftpAdminStore>().ListAsync(CancellationToken.None))
        {
            admins.Add(admin.UserName + ":" + string.Join(",", admin.Permissions));
        }
        var folders = new List<string>();
        await foreach (var folder in server.Services.GetRequiredService<ISftpFolderStore>().ListAsync(CancellationToken.None))
        {
            folders.Add(folder.Name);
        }
        return string.Join("|", server.Users.Snapshot().Select(u => u.UserName)) + "/" + string.Join("|", admins) + "/" + string.Join("|", folders);
    }

    [Fact]
    public async Task Every_endpoint_refuses_missing_credentials_missing_permissions_and_bad_bodies()
    {
        // A small limit keeps the oversized bodies inside the socket buffers, so the early 413 cannot race the upload.
        await using var server = await AdminTestServer.StartAsync(adminOptions: o => o.MaxRequestBodySize = 16 * 1024);
        var endpoints = Endpoints(server);
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");
        Assert.Contains(endpoints, e => e.Pattern == "/api/v2/folders/{name}" && e.Method == "PUT");
        Assert.Contains(endpoints, e => e.Pattern == "/api/v2/retention/users/{userName}/check" && e.Method == "POST");
        string before = await StateAsync(server);

        using var anonymous = server.Client();
        using var viewer = server.Client(await server.TokenAsync("viewer"));
        using var root = server.Client(await server.TokenAsync());
        string huge = "{\"description\":\"" + new string('x', 20 * 1024) + "\"}";
        int bodies = 0;
        foreach (var (method, pattern, url, permission) in endpoints)
        {
            string what = $"{method} {pattern}";
            using (var request = Request(method, url, method is "POST" or "PUT" ? "{}" : null))
            using (var response = await anonymous.SendAsync(request))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, what + " without credentials: " + response.StatusCode);
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            }
            if (permission is not ("" or SftpAdminPermissions.ViewConnections))
            {
                using var request = Request(method, url, method is "POST" or "PUT" ? "{}" : null);
                using var response = await viewer.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, what + " without permission: " + response.StatusCode);
                await response.AssertProblemAsync(HttpStatusCode.Forbidden);
            }
            if (method is not ("POST" or "PUT") || s_bodyless.Contains(pattern))
            {
                continue;
            }
            bodies++;
            // The restore endpoint takes up to MaxRestoreBodySize (64 MiB); the others MaxRequestBodySize.
            if (pattern != "/api/v2/loaddata")
            {
                using var request = Request(method, url, huge);
                HttpResponseMessage response;
                try
                {
                    response = await root.SendAsync(request);
                }
                catch (HttpRequestException ex)
                {
                    throw new InvalidOperationException(what + " with a huge body", ex);
                }
                using var _ = response;
                Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge && response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                    what + " with a huge body: " + response.StatusCode + " " + response.Content.Headers.ContentType);
                await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            }
            using (var request = Request(method, url, "name=x&password=y", "application/x-www-form-urlencoded"))
            using (var response = await root.SendAsync(request))
            {
                Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, what + " with a form body: " + response.StatusCode);
                await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
            }
            foreach (string wrong in (string[])["\"a string\"", "42", "{\"unclosed\": ", "", "null"])
            {
                using var request = Request(method, url, wrong);
                using var response = await root.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what} with body '{wrong}': {response.StatusCode}");
                await response.AssertValidationProblemAsync();
            }
        }
        Assert.True(bodies >= 11, $"only {bodies} endpoints with bodies");
        Assert.Equal(before, await StateAsync(server));
    }

    [Fact]
    public async Task Every_admin_endpoint_carries_its_body_limit_and_list_queries_of_the_wrong_type_are_named()
    {
        await using var server = await AdminTestServer.StartAsync();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<SftpAdminPermissionMetadata>() is not null))
        {
            long expected = endpoint.RoutePattern.RawText!.EndsWith("/loaddata", StringComparison.Ordinal) ? 64L * 1024 * 1024 : 1024 * 1024;
            Assert.Equal(expected, endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize);
        }
        using var api = server.Client(await server.TokenAsync());
        foreach (string url in (string[])["/api/v2/users?limit=abc", "/api/v2/users?offset=-1", "/api/v2/folders?limit=1.5", "/api/v2/users?limit=501"])
        {
            using var response = await api.GetAsync(url);
            var fields = await response.AssertValidationProblemAsync();
            Assert.True(fields.Contains("limit") || fields.Contains("offset"), url);
        }
        using (var mode = await api.PostJsonAsync("/api/v2/loaddata?mode=merge", new System.Text.Json.Nodes.JsonObject { ["version"] = 1 }))
        {
            Assert.Contains("mode", await mode.AssertValidationProblemAsync());
        }
        // Traversal in home directories and folder roots, on create and on replace.
        var account = server.NewAccount("ivy");
        account["homeDirectory"] = "/srv/sftp/../../etc";
        using (var created = await api.PostJsonAsync("/api/v2/users", account))
        {
            Assert.Contains("homeDirectory", await created.AssertValidationProblemAsync());
        }
        using (var ok = await api.PostJsonAsync("/api/v2/users", server.NewAccount("ivy")))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        using (var replaced = await api.PutJsonAsync("/api/v2/users/ivy", account))
        {
            Assert.Contains("homeDirectory", await replaced.AssertValidationProblemAsync());
        }
        Assert.Equal(server.NewAccount("ivy")["homeDirectory"]!.GetValue<string>(), (await server.Users.FindAsync("ivy", CancellationToken.None))!.HomeDirectory);
    }
}
