using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// Password hashing is bounded to one argon2id per processor at a time (found by the load run: 500 simultaneous password
/// logins held ~19 MiB each and pushed the server's RSS past 5 GiB).
/// </summary>
[Collection(LoadAndFaultsCollection.Name)]
public sealed class PasswordHashGateTests : IClassFixture<SftpTestServer>
{
    private readonly SftpTestServer _server;

    public PasswordHashGateTests(SftpTestServer server) => _server = server;

    [Fact]
    public async Task Gate_RunsAtMostOneHashPerProcessor_AndEveryCaller()
    {
        int running = 0, most = 0;
        var calls = Enumerable.Range(0, 6 * PasswordHashGate.Slots).Select(i => Task.Run(async () => await PasswordHashGate.RunAsync(() =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return i;
        }, CancellationToken.None))).ToList();
        int[] results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(Enumerable.Range(0, calls.Count), results.Order());
        Assert.InRange(most, 1, PasswordHashGate.Slots);
    }

    [Fact]
    public async Task Gate_WaitingCallerCanBeCancelled()
    {
        using var hold = new ManualResetEventSlim();
        using var entered = new CountdownEvent(PasswordHashGate.Slots);
        var holders = Enumerable.Range(0, PasswordHashGate.Slots)
            .Select(_ => Task.Run(async () => await PasswordHashGate.RunAsync(() =>
            {
                entered.Signal();
                return hold.Wait(TimeSpan.FromSeconds(60));
            }, CancellationToken.None)))
            .ToList();
        // Every slot is taken before the caller that must wait arrives (no fixed sleep: the machine may be busy).
        Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "the holders did not all enter the gate");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await PasswordHashGate.RunAsync(() => true, cancel.Token));
        hold.Set();
        Assert.All(await Task.WhenAll(holders), Assert.True);
    }

    [Fact]
    public async Task SimultaneousPasswordLogins_AllSucceed_WithHashingBounded()
    {
        var clients = Enumerable.Range(0, 16).Select(_ =>
        {
            var client = new SftpClient("127.0.0.1", _server.Port, SftpTestServer.UserName, SftpTestServer.Password);
            client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(120);
            client.HostKeyReceived += (_, e) => e.CanTrust = true;
            return client;
        }).ToList();
        try
        {
            await Task.WhenAll(clients.Select(c => c.ConnectAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromMinutes(3));
            Assert.All(clients, c => Assert.True(c.IsConnected));
            Assert.InRange(PasswordHashGate.MostRunning, 1, PasswordHashGate.Slots);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
