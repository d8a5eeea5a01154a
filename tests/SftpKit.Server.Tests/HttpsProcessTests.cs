using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SftpKit.Server.Tests;

/// <summary>The README's TLS recipe: an https:// URL with Kestrel's default certificate from the environment.</summary>
public sealed class HttpsProcessTests
{
    [Fact]
    public async Task Https_url_with_a_certificate_from_configuration_serves_the_pages_over_tls()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string pfx = Path.Combine(dir, "tls.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "test-pfx-password"));
        var environment = new Dictionary<string, string>
        {
            ["SFTPKIT__HTTP__URLS"] = "https://127.0.0.1:0",
            ["Kestrel__Certificates__Default__Path"] = pfx,
            ["Kestrel__Certificates__Default__Password"] = "test-pfx-password",
        };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], environment))
        {
            Assert.Equal(Uri.UriSchemeHttps, server.AdminUri!.Scheme);
            string expected = certificate.Thumbprint;
            using var handler = new HttpClientHandler
            {
                // Trust exactly the certificate the test made, nothing else.
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == expected,
            };
            using var client = new HttpClient(handler) { BaseAddress = server.AdminUri };
            using var login = await client.GetAsync("/web/admin/login");
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Contains("name=\"username\"", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Directory.Delete(dir, recursive: true);
    }
}
