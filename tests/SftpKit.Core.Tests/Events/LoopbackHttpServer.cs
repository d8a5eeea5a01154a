using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SftpKit.Tests.Events;

/// <summary>A minimal HTTP/1.1 server on 127.0.0.1: records each request and answers with a chosen status.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<ReceivedRequest> _requests = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly Func<ReceivedRequest, int?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="answer">The status code for a request, or null to never answer it.</param>
    public LoopbackHttpServer(Func<ReceivedRequest, int?> answer)
    {
        _answer = answer;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hooks/sftp?x=1");

    public async Task<ReceivedRequest> NextAsync() => await _requests.Reader.ReadAsync().AsTask().WaitAsync(EventTestSupport.Patience);

    public bool TryNext(out ReceivedRequest? request) => _requests.Reader.TryRead(out request);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
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
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            int headerEnd;
            while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
            {
                int n = await stream.ReadAsync(chunk, _stop.Token);
                if (n == 0 || buffer.Count > 64 * 1024)
                {
                    return;
                }
                buffer.AddRange(chunk.AsSpan(0, n));
            }
            string head = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray());
            string[] lines = head.Split("\r\n");
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            int length = int.Parse(headers["Content-Length"]);
            var body = buffer.Skip(headerEnd + 4).ToList();
            while (body.Count < length)
            {
                int n = await stream.ReadAsync(chunk, _stop.Token);
                if (n == 0)
                {
                    return;
                }
                body.AddRange(chunk.AsSpan(0, n));
            }
            var request = new ReceivedRequest(lines[0], headers, JsonDocument.Parse(body.ToArray()).RootElement.Clone());
            _requests.Writer.TryWrite(request);
            if (_answer(request) is not { } status)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            byte[] response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(response, _stop.Token);
        }
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (int i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }
}

internal sealed record ReceivedRequest(string RequestLine, Dictionary<string, string> Headers, JsonElement Body)
{
    public string? Field(string name) => Body.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Body.GetProperty(name).ToString();
}
