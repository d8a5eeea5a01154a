using System.Globalization;

namespace SftpKit.Tests.Interop;

/// <summary>
/// A client that leaves Nagle's algorithm on (paramiko, like OpenSSH's <c>ssh</c> under <c>sftp</c>) sends NEWKEYS,
/// which the server does not answer, then SERVICE_REQUEST, which its kernel holds back until NEWKEYS is acknowledged.
/// Linux delays that acknowledgement by at least 40 ms (its delayed-ACK floor), so without the server acknowledging
/// NEWKEYS at once every login waits that long before authentication can start. Here the first authentication round
/// trip after the key exchange is timed over five logins, after a warm-up login; the median must stay well under the
/// floor (it is about 1 ms when the ACK is sent at once).
/// </summary>
public sealed class NewKeysAcknowledgementTests : IClassFixture<SftpTestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly SftpTestServer _server;

    public NewKeysAcknowledgementTests(SftpTestServer server) => _server = server;

    [Fact]
    public async Task Authentication_starts_without_waiting_for_a_delayed_ack_of_newkeys()
    {
        string script = """
            import socket, sys, time, paramiko
            port, user = int(sys.argv[1]), sys.argv[2]
            times = []
            for attempt in range(6):
                sock = socket.create_connection(("127.0.0.1", port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
                t = paramiko.Transport(sock)
                t.start_client(timeout=30)
                started = time.monotonic()
                try:
                    t.auth_none(user)
                except paramiko.BadAuthenticationType:
                    pass
                times.append((time.monotonic() - started) * 1000)
                t.close()
            print(" ".join("%.1f" % ms for ms in times[1:]))
            """;
        string path = Path.Combine(_server.Directory, "newkeys-ack.py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync(DebianPython, [path, _server.Port.ToString(CultureInfo.InvariantCulture), SftpTestServer.UserName]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var times = result.Text.Trim().Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(5, times.Length);
        Assert.True(times[2] < 30, "SERVICE_REQUEST to USERAUTH_FAILURE took (ms): " + result.Text.Trim());
    }
}
