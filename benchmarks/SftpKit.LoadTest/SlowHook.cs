using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SftpKit.LoadTest;

/// <summary>
/// An HTTP endpoint on 127.0.0.1 that answers every request with 204 after a fixed delay: the "slow asynchronous
/// action" of the event-rules measurement (benchmarks/event-rules-upload.sh). Counts the requests it answered.
/// </summary>
internal sealed class SlowHook : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _answered;

    public SlowHook(TimeSpan delay)
    {
        _delay = delay;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook");

    public long Answered => Interlocked.Read(ref _answered);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[64 * 1024];
                var head = new StringBuilder();
                int length = -1;
                int bodyRead = 0;
                while (true)
                {
                    int n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    if (length < 0)
                    {
                        head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                        string text = head.ToString();
                        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (end < 0)
                        {
                            continue;
                        }
                        length = 0;
                        foreach (var line in text[..end].Split("\r\n"))
                        {
                            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            {
                                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                            }
                        }
                        bodyRead = text.Length - end - 4;
                    }
                    else
                    {
                        bodyRead += n;
                    }
                    if (bodyRead >= length)
                    {
                        break;
                    }
                }
                await Task.Delay(_delay, _stop.Token);
                await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                Interlocked.Increment(ref _answered);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }
}
