using System.Globalization;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Reliability;

/// <summary>
/// SFTP resource caps hit by a real client (paramiko over SSH): open handles past <c>MaxOpenHandles</c> get a clean
/// FAILURE and the session goes on; thousands of pipelined READs whose replies the client never reads leave the
/// server's memory flat (it stops reading the channel at <c>MaxInFlightRequests</c>); an SFTP packet past the limit
/// ends that channel only. The SSH-level caps have their own tests: packet length (HostileInputTests.Oversized_packet_*),
/// channels (ChannelLimitTests), auth attempts (TimeoutAndLimitTests.Too_many_failed_passwords_*), queued
/// replies (Limits.MaxQueuedMessages) and connections (ConnectionLimitTests, PreAuthAbuseTests).
/// </summary>
[Collection("Fuzzing")] // measured alone: the test reads the process's memory
public sealed class ResourceCapTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly SftpTestServer _server = new();

    public ResourceCapTests(ITestOutputHelper output) => _output = output;

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<string> RunParamikoAsync(string body)
    {
        string script = """
            import sys, struct, time, threading, paramiko
            port, user, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, pkey=paramiko.Ed25519Key.from_private_key_file(key))

            """ + body;
        string path = Path.Combine(_server.Directory, "caps-" + Guid.NewGuid().ToString("N")[..8] + ".py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3",
            [path, _server.Port.ToString(CultureInfo.InvariantCulture), SftpTestServer.UserName, _server.ClientKey], timeout: TimeSpan.FromMinutes(3));
        _output.WriteLine(result.Text + result.StandardError);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.Text;
    }

    [Fact]
    public async Task Handles_past_the_limit_fail_cleanly_and_the_session_goes_on()
    {
        await File.WriteAllTextAsync(Path.Combine(_server.Home, "f.txt"), "content");
        string text = await RunParamikoAsync("""
            s = paramiko.SFTPClient.from_transport(t)
            files, refused = [], 0
            for i in range(300):
                try:
                    files.append(s.open("f.txt", "r"))
                except IOError:
                    refused += 1
            print("opened", len(files), "refused", refused)
            for f in files[:10]:
                f.close()
            with s.open("f.txt", "r") as f:
                print("after", f.read().decode())
            """);
        Assert.Contains("opened 256 refused 44", text, StringComparison.Ordinal);
        Assert.Contains("after content", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unread_pipelined_replies_do_not_grow_server_memory()
    {
        await File.WriteAllBytesAsync(Path.Combine(_server.Home, "big.bin"), new byte[1024 * 1024]);
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - before);
                await Task.Delay(100);
            }
        });
        // 4000 READs of 32 KiB (125 MiB of replies) sent at once; the replies are read only after 5 seconds.
        string text = await RunParamikoAsync("""
            ch = t.open_session()
            ch.invoke_subsystem("sftp")
            def packet(kind, rid, payload):
                body = bytes([kind]) + struct.pack(">I", rid) + payload
                return struct.pack(">I", len(body)) + body
            def sstr(b):
                return struct.pack(">I", len(b)) + b
            def recv_packet():
                head = b""
                while len(head) < 4:
                    head += ch.recv(4 - len(head))
                n = struct.unpack(">I", head)[0]
                body = b""
                while len(body) < n:
                    chunk = ch.recv(n - len(body))
                    if not chunk:
                        raise EOFError()
                    body += chunk
                return body
            ch.sendall(struct.pack(">I", 5) + bytes([1]) + struct.pack(">I", 3))
            recv_packet()
            ch.sendall(packet(3, 1, sstr(b"big.bin") + struct.pack(">I", 1) + struct.pack(">I", 0)))
            handle = recv_packet()[9:]
            count = 4000
            sender = threading.Thread(target=lambda: ch.sendall(b"".join(packet(5, 100 + i, sstr(handle) + struct.pack(">QI", (i % 32) * 32768, 32768)) for i in range(count))))
            sender.start()
            time.sleep(5)
            data = 0
            for i in range(count):
                reply = recv_packet()
                if reply[0] == 103:
                    data += len(reply) - 9
            sender.join()
            print("replies", count, "bytes", data)
            # An SFTP packet past the limit ends this channel; the connection serves a new one.
            ch.sendall(struct.pack(">I", 16 * 1024 * 1024) + b"\x05" * 64)
            ended = False
            try:
                ended = ch.recv(1) == b""
            except EOFError:
                ended = True
            print("oversized ends channel", ended)
            s = paramiko.SFTPClient.from_transport(t)
            print("new channel", s.stat("big.bin").st_size)
            """);
        await sampling.CancelAsync();
        await sampler;
        _output.WriteLine($"managed heap growth peak {peak / 1024 / 1024} MiB while 125 MiB of replies were pending");
        Assert.Contains("replies 4000 bytes 131072000", text, StringComparison.Ordinal);
        Assert.Contains("oversized ends channel True", text, StringComparison.Ordinal);
        Assert.Contains("new channel 1048576", text, StringComparison.Ordinal);
        Assert.True(peak < 64L * 1024 * 1024, $"server heap grew {peak} bytes");
    }
}
