using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// A 1 GiB upload and download through the web client on a real server: the content arrives byte-identical and the
/// process (server and client, both in it) stays within bounded memory, because nothing is buffered whole.
/// </summary>
public sealed class WebClientLargeTransferTests(ITestOutputHelper output)
{
    private const long Size = 1L << 30;
    private const long MaxGrowth = 200L << 20;

    [Fact]
    public async Task A_1_GiB_upload_and_download_are_byte_identical_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        string token = await browser.TokenAsync("/web/client/files");

        byte[] expected;
        using (var source = new GeneratedStream(Size))
        {
            expected = await SHA256.HashDataAsync(source, ct);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long rssBefore = Rss();
        using var sampler = new PeakSampler();

        var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var file = new StreamContent(new GeneratedStream(Size), 64 * 1024);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "files", "big.bin");
        var clock = Stopwatch.StartNew();
        using (var upload = await browser.Http.PostAsync("/web/client/upload?path=%2F", form, ct))
        {
            Assert.Equal(HttpStatusCode.SeeOther, upload.StatusCode);
        }
        var uploadTime = clock.Elapsed;
        Assert.Equal(Size, new FileInfo(Path.Combine(server.Home("alice"), "big.bin")).Length);

        clock.Restart();
        byte[] actual;
        using (var download = await browser.Http.GetAsync("/web/client/download?path=%2Fbig.bin", HttpCompletionOption.ResponseHeadersRead, ct))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(Size, download.Content.Headers.ContentLength);
            await using var body = await download.Content.ReadAsStreamAsync(ct);
            actual = await SHA256.HashDataAsync(body, ct);
        }
        var downloadTime = clock.Elapsed;
        sampler.Stop();

        long rssGrowth = sampler.PeakRss - rssBefore;
        long heapGrowth = sampler.PeakHeap - heapBefore;
        output.WriteLine($"1 GiB upload {uploadTime.TotalSeconds:F1} s, download {downloadTime.TotalSeconds:F1} s; " +
            $"peak RSS {sampler.PeakRss >> 20} MiB (+{rssGrowth >> 20} MiB over {rssBefore >> 20} MiB), " +
            $"peak managed heap +{heapGrowth >> 20} MiB over {heapBefore >> 20} MiB ({sampler.Samples} samples)");
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        Assert.True(rssGrowth < MaxGrowth, $"peak RSS grew by {rssGrowth >> 20} MiB (limit {MaxGrowth >> 20} MiB)");
        Assert.True(heapGrowth < MaxGrowth, $"peak managed heap grew by {heapGrowth >> 20} MiB (limit {MaxGrowth >> 20} MiB)");
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>Samples the process's RSS and managed heap every 20 ms on its own thread and keeps the peaks.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public PeakSampler()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "memory sampler" };
            _thread.Start();
        }

        public long PeakRss { get; private set; }

        public long PeakHeap { get; private set; }

        public int Samples { get; private set; }

        public void Stop()
        {
            _stop.Cancel();
            _thread.Join();
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested)
            {
                Stop();
            }
            _stop.Dispose();
        }

        private void Run()
        {
            using var process = Process.GetCurrentProcess();
            do
            {
                process.Refresh();
                PeakRss = Math.Max(PeakRss, process.WorkingSet64);
                PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: false));
                Samples++;
            }
            while (!_stop.Token.WaitHandle.WaitOne(20));
        }
    }
}
