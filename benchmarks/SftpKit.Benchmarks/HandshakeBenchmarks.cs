using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using SftpKit;
using SftpKit.Ssh.KeyExchange;
using SftpKit.Ssh.Keys;

namespace SftpKit.Benchmarks;

/// <summary>
/// A full SSH handshake over loopback: TCP connect, version exchange, key exchange, host key signature, NEWKEYS,
/// public-key authentication and disconnect, with SSH.NET as the client (its cost is included).
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private IHost? _host;
    private int _port;
    private PrivateKeyFile? _key;
    private string? _directory;

    [Params("curve25519-sha256", "mlkem768x25519-sha256")]
    public string Kex { get; set; } = "curve25519-sha256";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "sftpkit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        using (var clientKey = Ed25519HostKey.Generate("bench"))
        {
            HostKeyLoader.Save(clientKey, Path.Combine(_directory, "client"));
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            string authorized = clientKey.PublicKey.ToString();
            builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = Path.Combine(_directory, "keys");
                o.Users.Add(new SshUser { UserName = "bench", AuthorizedKeys = { authorized } });
            });
            _host = builder.Build();
        }
        _host.Start();
        _port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        _key = new PrivateKeyFile(Path.Combine(_directory, "client"));
    }

    [Benchmark]
    public void ConnectAuthenticateDisconnect()
    {
        var info = new ConnectionInfo("127.0.0.1", _port, "bench", new PrivateKeyAuthenticationMethod("bench", _key!));
        foreach (var name in info.KeyExchangeAlgorithms.Keys.Where(k => k != Kex).ToList())
        {
            info.KeyExchangeAlgorithms.Remove(name);
        }
        info.HostKeyAlgorithms.Remove("ecdsa-sha2-nistp256");
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        client.Disconnect();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
        _key?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>The server's own share of a handshake: one kex Respond plus the host key signature over H.</summary>
[MemoryDiagnoser]
public class ServerKexBenchmarks
{
    private readonly Dictionary<string, byte[]> _clientValues = [];
    private Ed25519HostKey? _hostKey;

    [Params("curve25519-sha256", "mlkem768x25519-sha256", "sntrup761x25519-sha512", "diffie-hellman-group14-sha256", "ecdh-sha2-nistp256")]
    public string Method { get; set; } = "curve25519-sha256";

    [GlobalSetup]
    public void Setup()
    {
        _hostKey = Ed25519HostKey.Generate();
        _clientValues["curve25519-sha256"] = ClientValues.X25519();
        _clientValues["mlkem768x25519-sha256"] = [.. ClientValues.MlKem768(), .. ClientValues.X25519()];
        _clientValues["sntrup761x25519-sha512"] = [.. ClientValues.Sntrup761(), .. ClientValues.X25519()];
        _clientValues["diffie-hellman-group14-sha256"] = ClientValues.Dh14();
        _clientValues["ecdh-sha2-nistp256"] = ClientValues.P256();
    }

    [Benchmark]
    public byte[] RespondAndSign()
    {
        KexAlgorithmRegistry.TryCreate(Method, out var kex);
        using (kex)
        {
            var result = kex!.Respond(_clientValues[Method]);
            return _hostKey!.Sign("ssh-ed25519", System.Security.Cryptography.SHA256.HashData(result.HashTail));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _hostKey?.Dispose();
}
