using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SftpKit.Tests.Hosting.Hooks;

/// <summary>
/// A small HTTP server on 127.0.0.1 (HttpListener on a free port) playing a hook: each POST goes to the handler with
/// its path, query and body; every request is recorded. Requests to a handler that hangs are released on dispose.
/// </summary>
public sealed class HookHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HookRequest, Task<(int Status, string Body)>> _handler;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public HookHttpServer(Func<HookRequest, Task<(int Status, string Body)>> handler)
    {
        _handler = handler;
        for (int attempt = 0; ; attempt++)
        {
            Port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The URL of <paramref name="path"/> on this server.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<HookRequest> Requests { get; } = new();

    /// <summary>Cancelled when the server stops: handlers that hang wait on it.</summary>
    public CancellationToken Stopping => _stop.Token;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new HookRequest(context.Request.Url!.AbsolutePath, context.Request.Url.Query, await reader.ReadToEndAsync());
            Requests.Enqueue(request);
            var (status, body) = await _handler(request);
            context.Response.StatusCode = status;
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            if (bytes.Length > 0)
            {
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            context.Response.Close();
        }
        catch (Exception)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>One request a hook received.</summary>
public sealed record HookRequest(string Path, string Query, string Body)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}
