using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Policies;
using SftpKit.Ssh.Authentication;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>Fails every decision the way an account store does during a database outage, until told to recover.</summary>
internal sealed class OutageAuthenticator : ISshAuthenticator
{
    public volatile bool Down = true;

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken) =>
        Down ? throw new InvalidOperationException("connection refused (store host 10.1.2.3)")
            : ValueTask.FromResult(password == TestServer.Password ? SshAuthResult.Success(new SshPrincipal(context.UserName)) : SshAuthResult.Failed);

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken) =>
        Down ? throw new InvalidOperationException("connection refused (store host 10.1.2.3)") : ValueTask.FromResult(SshAuthResult.Failed);
}

/// <summary>
/// An authenticator that throws (its store is down) ends the login with a disconnect telling the client to retry
/// later, without the exception's text, without scoring the client in the defender, and the server keeps serving.
/// </summary>
public sealed class AuthenticatorFailureTests : IAsyncLifetime
{
    private readonly OutageAuthenticator _authenticator = new();
    private readonly TestServer _server;

    public AuthenticatorFailureTests()
    {
        _server = new TestServer
        {
            ConfigureServer = b => b.Services.Replace(ServiceDescriptor.Singleton<ISshAuthenticator>(_authenticator)),
            Configure = o => o.Defender.Enabled = true,
        };
    }

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Store_outage_during_login_asks_the_client_to_retry_and_scores_nothing()
    {
        var refused = await Assert.ThrowsAsync<SshConnectionException>(() => Task.Run(() => Connect()));
        Assert.Contains("temporarily unavailable", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", refused.Message, StringComparison.Ordinal);
        var defender = _server.Services.GetRequiredService<ISftpDefender>();
        Assert.True((await defender.GetHostAsync(IPAddress.Loopback)) is null or { Score: 0 });

        _authenticator.Down = false;
        await Task.Run(() => Connect()); // the same server, recovered: the login succeeds
    }

    private void Connect()
    {
        var info = new ConnectionInfo("127.0.0.1", _server.Port, TestServer.UserName, new PasswordAuthenticationMethod(TestServer.UserName, TestServer.Password))
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        Assert.True(client.IsConnected);
    }
}
