using System.Globalization;
using System.Net.Sockets;
using SftpKit.Events;
using SftpKit.Testing;
using static SftpKit.Tests.Events.ConnectionEventClient;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

/// <summary>The Disconnect event of real connections: its duration, its bytes on the wire, its user and status.</summary>
public sealed class DisconnectEventTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sftpkit-disconnect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Disconnect_CarriesElapsedAndBytes_ThroughHttpAndCommandActions()
    {
        await using var hooks = new LoopbackHttpServer(_ => 200);
        string output = Path.Combine(_dir, "env.txt");
        string script = EventScripts.Write(_dir, "dump-env.sh", EventScripts.DumpEnvironment);
        var recorder = new ConnectionEventRecorder();
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b => b
            .AddHttpEventNotification(o => { o.Url = hooks.Url; o.Kinds.Add(SftpEventKind.Disconnect); })
            .AddCommandEventAction(o =>
            {
                o.FileName = script;
                o.Kinds.Add(SftpEventKind.Disconnect);
                o.Environment["OUT"] = output;
            })
            .AddEventHandler(recorder));

        await ListHomeAsync(server);

        var call = await hooks.NextAsync();
        Assert.Equal("disconnect", call.Field("action"));
        Assert.Equal("post", call.Field("phase"));
        Assert.Equal("SSH", call.Field("protocol"));
        Assert.Equal(User, call.Field("username"));
        Assert.Equal("ok", call.Field("status"));
        Assert.Null(call.Field("error"));
        Assert.Equal("127.0.0.1", call.Field("remote_address"));
        long elapsedMs = call.Body.GetProperty("elapsed_ms").GetInt64();
        long received = call.Body.GetProperty("bytes_received").GetInt64();
        long sent = call.Body.GetProperty("bytes_sent").GetInt64();
        Assert.True(elapsedMs > 0, $"elapsed_ms {elapsedMs}");
        Assert.True(received > 0, $"bytes_received {received}");
        Assert.True(sent > 0, $"bytes_sent {sent}");

        var env = await EventScripts.WaitForEnvironmentAsync(output);
        Assert.Equal("disconnect", env["SFTPKIT_ACTION"]);
        Assert.Equal("post", env["SFTPKIT_PHASE"]);
        Assert.Equal(User, env["SFTPKIT_USERNAME"]);
        Assert.Equal("ok", env["SFTPKIT_STATUS"]);
        Assert.Equal(call.Field("connection_id"), env["SFTPKIT_CONNECTION_ID"]);
        Assert.Equal(elapsedMs.ToString(CultureInfo.InvariantCulture), env["SFTPKIT_ELAPSED_MS"]);
        Assert.Equal(received.ToString(CultureInfo.InvariantCulture), env["SFTPKIT_BYTES_RECEIVED"]);
        Assert.Equal(sent.ToString(CultureInfo.InvariantCulture), env["SFTPKIT_BYTES_SENT"]);

        var disconnect = Assert.Single(await recorder.WaitForAsync(SftpEventKind.Disconnect, 1));
        Assert.Equal(received, disconnect.BytesReceived);
        Assert.Equal(sent, disconnect.BytesSent);
        var connect = Assert.Single(recorder.Posted, e => e.Kind == SftpEventKind.Connect);
        Assert.Equal(disconnect.ConnectionId, connect.ConnectionId);
        Assert.Null(connect.BytesReceived);
        Assert.Null(connect.BytesSent);
    }

    [Fact]
    public async Task Disconnect_CountsEveryByteOnTheWire_AndReportsAConnectionWithoutLogin()
    {
        var recorder = new ConnectionEventRecorder();
        await using var server = await SftpTestHost.StartAsync(Users, configureServer: b => b.AddEventHandler(recorder));
        byte[] version = "SSH-2.0-probe\r\n"u8.ToArray();

        long read = 0;
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.EndPoint).WaitAsync(Patience);
            var stream = tcp.GetStream();
            await stream.WriteAsync(version).AsTask().WaitAsync(Patience);
            // The server answers with its version line and its KEXINIT, then waits for ours: read both, then leave.
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            while (!HasVersionAndOnePacket(buffer))
            {
                int n = await stream.ReadAsync(chunk).AsTask().WaitAsync(Patience);
                Assert.NotEqual(0, n);
                buffer.AddRange(chunk.AsSpan(0, n));
            }
            tcp.Client.Shutdown(SocketShutdown.Send);
            int rest;
            while ((rest = await stream.ReadAsync(chunk).AsTask().WaitAsync(Patience)) > 0)
            {
                buffer.AddRange(chunk.AsSpan(0, rest));
            }
            read = buffer.Count;
        }

        var disconnect = Assert.Single(await recorder.WaitForAsync(SftpEventKind.Disconnect, 1));
        Assert.Equal(version.Length, disconnect.BytesReceived);
        Assert.Equal(read, disconnect.BytesSent);
        Assert.Equal(SftpEventStatus.Failed, disconnect.Status);
        Assert.Equal("no authentication", disconnect.Error);
        Assert.Null(disconnect.UserName);
        Assert.NotNull(disconnect.Elapsed);
    }

    private static bool HasVersionAndOnePacket(List<byte> buffer)
    {
        int lineEnd = -1;
        for (int i = 0; i + 1 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n')
            {
                lineEnd = i + 2;
                break;
            }
        }
        if (lineEnd < 0 || buffer.Count < lineEnd + 4)
        {
            return false;
        }
        int length = (buffer[lineEnd] << 24) | (buffer[lineEnd + 1] << 16) | (buffer[lineEnd + 2] << 8) | buffer[lineEnd + 3];
        return buffer.Count >= lineEnd + 4 + length;
    }
}
