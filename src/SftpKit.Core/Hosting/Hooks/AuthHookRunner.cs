using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// Calls one hook: an HTTP POST of a JSON body (a URL) or a program run with a cleared environment (an absolute
/// path), under <see cref="SftpAuthHookOptions.HookTimeout"/>, at most <see cref="SftpAuthHookOptions.MaxConcurrentHooks"/>
/// at once, reading at most <see cref="SftpAuthHookOptions.MaxResponseBytes"/> of the answer. A program that outlives
/// the timeout is killed with its children.
/// </summary>
internal sealed class AuthHookRunner : IDisposable
{
    private readonly SftpAuthHookOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly HttpClient _http;

    public AuthHookRunner(SftpAuthHookOptions options)
    {
        _options = options;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentHooks));
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public SftpAuthHookOptions Options => _options;

    /// <summary>Whether <paramref name="hook"/> names a URL (else a program).</summary>
    public static bool IsUrl(string hook) =>
        hook.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || hook.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs <paramref name="hook"/>: POSTs <paramref name="body"/> (with <paramref name="query"/> appended) to a URL, or
    /// runs the program with <paramref name="environment"/>. A program's answer is its standard output with status 200
    /// for exit code 0, else status 0.
    /// </summary>
    /// <exception cref="TimeoutException">The call (or the wait for a place) took longer than the timeout.</exception>
    /// <exception cref="HookFailedException">The hook could not be reached or run, or answered too much.</exception>
    public async Task<HookAnswer> CallAsync(string hook, JsonObject body, string? query, IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HookTimeout);
        bool entered = false;
        try
        {
            await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
            entered = true;
            return IsUrl(hook)
                ? await PostAsync(hook + query, body, timeout.Token).ConfigureAwait(false)
                : await RunAsync(hook, environment, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The hook did not answer in time.");
        }
        finally
        {
            if (entered)
            {
                _slots.Release();
            }
        }
    }

    /// <summary>Takes a place for a long-running conversation (a keyboard-interactive program); dispose to release it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HookTimeout);
        try
        {
            await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("No place for the hook in time.");
        }
        return new Slot(_slots);
    }

    /// <summary>POSTs JSON to a URL without taking a place (the caller holds one).</summary>
    public async Task<HookAnswer> PostAsync(string url, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await _http.PostAsync(new Uri(url), content, cancellationToken).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            string text = await ReadBoundedAsync(stream, cancellationToken).ConfigureAwait(false);
            return new HookAnswer((int)response.StatusCode, text);
        }
        catch (HttpRequestException e)
        {
            throw new HookFailedException("The hook could not be reached: " + e.Message, e);
        }
    }

    private async Task<HookAnswer> RunAsync(string program, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        using var process = StartProgram(program, environment, redirectInput: false);
        try
        {
            var stderr = DrainAsync(process.StandardError);
            string output = await ReadBoundedAsync(process.StandardOutput.BaseStream, cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            return new HookAnswer(process.ExitCode == 0 ? 200 : 0, output);
        }
        finally
        {
            Kill(process);
        }
    }

    /// <summary>Starts <paramref name="program"/> with only <paramref name="environment"/> as its environment.</summary>
    public static Process StartProgram(string program, IReadOnlyDictionary<string, string> environment, bool redirectInput)
    {
        if (!Path.IsPathFullyQualified(program))
        {
            throw new HookFailedException("A hook program must be an absolute path.");
        }
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        try
        {
            return Process.Start(start) ?? throw new HookFailedException("The hook program did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new HookFailedException("The hook program did not start: " + e.Message, e);
        }
    }

    /// <summary>Ends a hook program and its children if it is still running.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Reads and discards a program's error output (never logged: it may echo credentials).</summary>
    public static async Task DrainAsync(StreamReader reader)
    {
        var buffer = new char[1024];
        try
        {
            while (await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<string> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        int max = _options.MaxResponseBytes;
        var buffer = new byte[Math.Min(max + 1, 64 * 1024)];
        using var all = new MemoryStream();
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (all.Length + n > max)
            {
                throw new HookFailedException($"The hook answered more than {max} bytes.");
            }
            all.Write(buffer, 0, n);
        }
        return Encoding.UTF8.GetString(all.GetBuffer(), 0, (int)all.Length);
    }

    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

/// <summary>A hook's answer: the HTTP status (200 for a program that exited 0, else 0) and the body or output.</summary>
internal readonly record struct HookAnswer(int Status, string Body)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Body);
}

/// <summary>A hook could not be called, or answered something unreadable; the login fails.</summary>
internal sealed class HookFailedException : Exception
{
    public HookFailedException()
    {
    }

    public HookFailedException(string message) : base(message)
    {
    }

    public HookFailedException(string message, Exception inner) : base(message, inner)
    {
    }
}
