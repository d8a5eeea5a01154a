using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SftpKit.Server.Tests;

/// <summary>The sample's Prometheus endpoint and split health endpoints, scraped after a real upload.</summary>
public sealed class MetricsProcessTests
{
    [Fact]
    public async Task Metrics_list_sftpkit_series_with_non_zero_counts_after_an_upload_behind_the_bearer_token()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        const string token = "scrape-token-for-the-test";
        var environment = new Dictionary<string, string> { ["SFTPKIT__METRICS__PROMETHEUS__BEARERTOKEN"] = token };
        await using (var server = await SampleServerProcess.StartAsync(dir,
            ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1", "--user", "demo:demo-password"], environment))
        {
            using var http = server.AdminClient();
            using (var live = await http.GetAsync("/healthz/live"))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }
            using (var ready = await http.GetAsync("/healthz/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }
            using (var anonymous = await http.GetAsync("/metrics"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            byte[] content = Encoding.UTF8.GetBytes(new string('m', 54321));
            using (var sftp = server.SftpClient("demo", "demo-password"))
            {
                await sftp.ConnectAsync(CancellationToken.None);
                using var upload = new MemoryStream(content);
                await sftp.UploadFileAsync(upload, "/metrics.bin", CancellationToken.None);
                sftp.Disconnect();
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            string text = "";
            // The exporter caches a scrape for a moment; poll until the finished transfer is in it.
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
            {
                using var response = await http.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
                if (Value(text, "sftpkit_transfers", "direction=\"upload\"") > 0)
                {
                    break;
                }
            }
            Assert.True(Value(text, "sftpkit_transfers", "direction=\"upload\"", "protocol=\"sftp\"", "result=\"success\"") >= 1, text);
            Assert.True(Value(text, "sftpkit_transfer_bytes", "direction=\"upload\"") >= content.Length, text);
            Assert.True(Value(text, "sftpkit_logins", "result=\"success\"") >= 1, text);
            Assert.True(Value(text, "sftpkit_transfer_size", "_count", "direction=\"upload\"") >= 1, text);
            Assert.True(Value(text, "sftpkit_login_duration", "_count") >= 1, text);
            Assert.True(Value(text, "sftpkit_kex_duration", "_count") >= 1, text);
            Assert.Contains("sftpkit_events_queue_depth", text, StringComparison.Ordinal);
            Assert.DoesNotContain("demo", text, StringComparison.Ordinal);
        }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The largest sample value of the series whose line starts with <paramref name="prefix"/> and contains every fragment.</summary>
    private static double Value(string text, string prefix, params string[] fragments) =>
        text.Split('\n')
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && fragments.All(f => l.Contains(f, StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
}
