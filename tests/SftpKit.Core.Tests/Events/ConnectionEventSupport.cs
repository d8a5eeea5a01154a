using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Renci.SshNet;
using SftpKit.Events;
using SftpKit.Testing;

namespace SftpKit.Tests.Events;

/// <summary>Keeps the connection post-events a server raises and lets a test wait for them without sleeping.</summary>
internal sealed class ConnectionEventRecorder : ISftpEventHandler
{
    private readonly ConcurrentQueue<SftpEvent> _posted = new();
    private readonly Channel<bool> _arrived = Channel.CreateUnbounded<bool>();

    public IReadOnlyList<SftpEvent> Posted => [.. _posted];

    public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (sftpEvent.Kind is SftpEventKind.Connect or SftpEventKind.Disconnect)
        {
            _posted.Enqueue(sftpEvent);
            _arrived.Writer.TryWrite(true);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> events of <paramref name="kind"/> arrived; fails after the patience.</summary>
    public async Task<List<SftpEvent>> WaitForAsync(SftpEventKind kind, int count)
    {
        using var timeout = new CancellationTokenSource(EventTestSupport.Patience);
        while (_posted.Count(e => e.Kind == kind) < count)
        {
            await _arrived.Reader.ReadAsync(timeout.Token);
        }
        return _posted.Where(e => e.Kind == kind).ToList();
    }
}

/// <summary>Refuses every Connect pre-event while <see cref="Refusing"/> is set; allows everything else.</summary>
internal sealed class RefuseConnectHandler : ISftpEventHandler
{
    private volatile bool _refusing = true;
    private int _asked;

    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    public int Asked => Volatile.Read(ref _asked);

    public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (sftpEvent.Kind != SftpEventKind.Connect)
        {
            return ValueTask.FromResult(SftpEventDecision.Allow);
        }
        Interlocked.Increment(ref _asked);
        return ValueTask.FromResult(Refusing ? SftpEventDecision.Deny("not on the allow list") : SftpEventDecision.Allow);
    }
}

/// <summary>A host's own authenticator: accepts one password and counts every attempt it is asked to decide.</summary>
internal sealed class CountingAuthenticator(string expectedUser, string expectedPassword) : ISshAuthenticator
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(context.UserName == expectedUser && password == expectedPassword
            ? SshAuthResult.Success(new SshPrincipal(expectedUser))
            : SshAuthResult.Failed);
    }

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(SshAuthResult.Failed);
    }
}

internal static class ConnectionEventClient
{
    public const string User = "alice";
    public const string Password = "pw";

    public static SftpTestUser[] Users => [new SftpTestUser(User, Password)];

    /// <summary>Logs in over SFTP, lists the home directory and disconnects.</summary>
    public static Task ListHomeAsync(SftpTestHost server) => Task.Run(() =>
    {
        using var client = new SftpClient(server.Host, server.Port, User, Password);
        client.Connect();
        _ = client.ListDirectory("/").ToList();
        client.Disconnect();
    }).WaitAsync(EventTestSupport.Patience);

    /// <summary>Logs in over SSH (no subsystem) and disconnects.</summary>
    public static Task LogInAsync(SftpTestHost server) => Task.Run(() =>
    {
        using var client = new SshClient(server.Host, server.Port, User, Password);
        client.Connect();
        client.Disconnect();
    }).WaitAsync(EventTestSupport.Patience);

    /// <summary>
    /// A raw TCP client that sends <paramref name="send"/> and reads until the server closes: what the server sent, as
    /// text. Reading to the end proves the connection was closed.
    /// </summary>
    public static async Task<string> RawExchangeAsync(SftpTestHost server, byte[] send)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint).WaitAsync(EventTestSupport.Patience);
        var stream = tcp.GetStream();
        await stream.WriteAsync(send).AsTask().WaitAsync(EventTestSupport.Patience);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(EventTestSupport.Patience);
        return Encoding.Latin1.GetString(received.ToArray());
    }
}

/// <summary>Scripts for command actions, and what they saw.</summary>
internal static class EventScripts
{
    public static string Write(string directory, string name, string body)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Shell text that writes the environment to <c>$OUT</c> atomically (temp file + rename).</summary>
    public const string DumpEnvironment = "env > \"$OUT.tmp\" && mv \"$OUT.tmp\" \"$OUT\"";

    public static async Task<Dictionary<string, string>> WaitForEnvironmentAsync(string path)
    {
        using var timeout = new CancellationTokenSource(EventTestSupport.Patience);
        while (!File.Exists(path))
        {
            await Task.Delay(20, timeout.Token);
        }
        return (await File.ReadAllTextAsync(path)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }
}
