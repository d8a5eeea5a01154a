using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SftpKit.Tests;
using SftpKit.Tests.Interop;

namespace SftpKit.Server.Tests;

/// <summary>
/// HTTPS from <c>SftpKit:Http:Certificate</c> (PEM made by openssl): served over TLS 1.2+, with HSTS; a renewed
/// certificate written over the files is served without a restart; a client certificate mapped to an admin reaches
/// the API, a wrong one is refused.
/// </summary>
public sealed class HttpsReloadProcessTests
{
    [Fact]
    public async Task Pem_certificate_is_served_reloaded_on_renewal_and_client_certificates_authenticate_admins()
    {
        string openssl = Requires.Tool("openssl", "install the openssl package");
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string tls = Path.Combine(dir, "tls");
        Directory.CreateDirectory(tls);
        string cert = Path.Combine(tls, "fullchain.pem");
        string key = Path.Combine(tls, "privkey.pem");
        await MakeCertificateAsync(openssl, cert, key, "localhost", serial: 1001);
        using var first = X509CertificateLoader.LoadCertificateFromFile(cert);

        string goodCert = Path.Combine(dir, "good.pem"), goodKey = Path.Combine(dir, "good.key");
        string wrongCert = Path.Combine(dir, "wrong.pem"), wrongKey = Path.Combine(dir, "wrong.key");
        await MakeCertificateAsync(openssl, goodCert, goodKey, "ops-robot", serial: 7);
        await MakeCertificateAsync(openssl, wrongCert, wrongKey, "ops-robot", serial: 8);
        using var good = LoadClientCertificate(goodCert, goodKey);
        using var wrong = LoadClientCertificate(wrongCert, wrongKey);

        var environment = new Dictionary<string, string>
        {
            ["SFTPKIT__HTTP__URLS"] = "https://127.0.0.1:0",
            ["SFTPKIT__HTTP__CERTIFICATE__PATH"] = "tls/fullchain.pem",
            ["SFTPKIT__HTTP__CERTIFICATE__KEYPATH"] = "tls/privkey.pem",
            ["SFTPKIT__ADMIN__AUTHENTICATION__CLIENTCERTIFICATES__" + good.GetCertHashString(HashAlgorithmName.SHA256)] = "admin",
            [SampleServerProcess.AdminPasswordVariable] = "first-admin-Passw0rd",
        };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], environment))
        {
            Assert.Equal(Uri.UriSchemeHttps, server.AdminUri!.Scheme);
            var (serial, protocol) = await ServedCertificateAsync(server.AdminUri);
            Assert.Equal(first.SerialNumber, serial);
            Assert.True(protocol >= SslProtocols.Tls12, $"negotiated {protocol}");

            // HSTS on https responses.
            using (var client = Client(server.AdminUri, null))
            using (var health = await client.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal("max-age=31536000", string.Join(",", health.Headers.GetValues("Strict-Transport-Security")));
            }

            // The mapped client certificate acts as the admin; a wrong one and none are refused.
            using (var client = Client(server.AdminUri, good))
            using (var users = await client.GetAsync("/api/v2/users"))
            {
                Assert.Equal(HttpStatusCode.OK, users.StatusCode);
            }
            using (var client = Client(server.AdminUri, wrong))
            using (var users = await client.GetAsync("/api/v2/users"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, users.StatusCode);
            }
            using (var client = Client(server.AdminUri, null))
            using (var users = await client.GetAsync("/api/v2/users"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, users.StatusCode);
            }

            // Renewal: new files written next to the old ones and renamed over them, as certbot's deploy steps do.
            await MakeCertificateAsync(openssl, cert + ".new", key + ".new", "localhost", serial: 2002);
            using var renewed = X509CertificateLoader.LoadCertificateFromFile(cert + ".new");
            Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
            File.Move(key + ".new", key, overwrite: true);
            File.Move(cert + ".new", cert, overwrite: true);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            string served = first.SerialNumber;
            while (served != renewed.SerialNumber && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                served = (await ServedCertificateAsync(server.AdminUri)).Serial;
            }
            Assert.Equal(renewed.SerialNumber, served);
            Assert.False(server.HasExited);
            Assert.NotNull(await SampleServerProcess.WaitForAsync(() => server.StandardOutput.FirstOrDefault(l =>
                l.Contains("\"CertificateLoaded\"", StringComparison.Ordinal) && l.Contains(renewed.SerialNumber, StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Pkcs12_certificate_with_a_password_is_served()
    {
        string openssl = Requires.Tool("openssl", "install the openssl package");
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string cert = Path.Combine(dir, "tls.pem"), key = Path.Combine(dir, "tls.key"), pfx = Path.Combine(dir, "tls.pfx");
        await MakeCertificateAsync(openssl, cert, key, "localhost", serial: 4242);
        var export = await ProcessRunner.RunAsync(openssl, ["pkcs12", "-export", "-in", cert, "-inkey", key, "-out", pfx, "-passout", "pass:test-pfx-password"]);
        Assert.True(export.ExitCode == 0, export.StandardError);
        using var expected = X509CertificateLoader.LoadCertificateFromFile(cert);
        var environment = new Dictionary<string, string>
        {
            ["SFTPKIT__HTTP__URLS"] = "https://127.0.0.1:0",
            ["SFTPKIT__HTTP__CERTIFICATE__PATH"] = "tls.pfx",
            ["SFTPKIT__HTTP__CERTIFICATE__PASSWORD"] = "test-pfx-password",
        };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], environment))
        {
            Assert.Equal(expected.SerialNumber, (await ServedCertificateAsync(server.AdminUri!)).Serial);
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains("test-pfx-password", StringComparison.Ordinal));
        }
        Directory.Delete(dir, recursive: true);
    }

    private static async Task MakeCertificateAsync(string openssl, string cert, string key, string commonName, int serial)
    {
        var result = await ProcessRunner.RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + commonName, "-set_serial", serial.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    private static X509Certificate2 LoadClientCertificate(string cert, string key)
    {
        using var pem = X509Certificate2.CreateFromPemFile(cert, key);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static HttpClient Client(Uri baseAddress, X509Certificate2? clientCertificate)
    {
        var handler = new HttpClientHandler
        {
            // The test's own self-signed certificates (CN=localhost); the serial checks pin which one.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Subject == "CN=localhost",
            ClientCertificateOptions = ClientCertificateOption.Manual,
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<(string Serial, SslProtocols Protocol)> ServedCertificateAsync(Uri uri)
    {
        using var ssl = await HandshakeAsync(uri);
        return (new X509Certificate2(ssl.RemoteCertificate!).SerialNumber, ssl.SslProtocol);
    }

    private static async Task<SslStream> HandshakeAsync(Uri uri)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, uri.Port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.Subject == "CN=localhost",
            });
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }
}
