using System.Buffers.Binary;
using System.IO.Pipelines;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// A raw-wire SFTP peer driving the subsystem over an in-memory duplex pipe pair: it sends exactly the bytes a test
/// builds and reads replies packet by packet.
/// </summary>
internal sealed class SftpTestClient : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly Stream _send;
    private readonly Stream _receive;
    private uint _nextId = 1;

    private SftpTestClient(IVirtualFileSystem fs, SftpSubsystemOptions? options)
    {
        Fs = fs;
        _send = _toServer.Writer.AsStream();
        _receive = _toClient.Reader.AsStream();
        var serverOutput = _toClient.Writer.AsStream();
        Server = Task.Run(async () =>
        {
            try
            {
                return await SftpServerStdio.RunAsync(fs, _toServer.Reader.AsStream(), serverOutput, options, CancellationToken.None);
            }
            finally
            {
                await _toClient.Writer.CompleteAsync();
            }
        });
    }

    public IVirtualFileSystem Fs { get; }

    /// <summary>The session; completes with its exit code when it ends.</summary>
    public Task<int> Server { get; }

    public static SftpTestClient Start(IVirtualFileSystem? fs = null, SftpSubsystemOptions? options = null)
        => new(fs ?? new InMemoryFileSystem(), options);

    public static async Task<SftpTestClient> StartInitializedAsync(IVirtualFileSystem? fs = null, SftpSubsystemOptions? options = null)
    {
        var client = Start(fs, options);
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Init, 3).ToArray());
        var version = await client.ReceiveAsync();
        Assert.Equal(SftpPacketType.Version, version.Type);
        return client;
    }

    public uint NextId() => _nextId++;

    public async Task SendAsync(byte[] packet)
    {
        await _send.WriteAsync(packet);
        await _send.FlushAsync();
    }

    public async Task<SftpReply> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var header = new byte[4];
        await _receive.ReadExactlyAsync(header, cts.Token);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await _receive.ReadExactlyAsync(body, cts.Token);
        return new SftpReply(body);
    }

    /// <summary>True when the server closed its output (the session ended).</summary>
    public async Task<bool> ServerEndedAsync()
    {
        var code = await Server.WaitAsync(TimeSpan.FromSeconds(20));
        _ = code;
        var buffer = new byte[1];
        return await _receive.ReadAsync(buffer) == 0;
    }

    public async Task<SftpReply> RequestAsync(SftpWire packet)
    {
        await SendAsync(packet.ToArray());
        return await ReceiveAsync();
    }

    public async Task<byte[]> OpenAsync(string path, SftpOpenFlags flags)
    {
        var reply = await RequestAsync(SftpWire.Packet(SftpPacketType.Open, NextId()).String(path).UInt32((uint)flags).Attrs());
        Assert.True(reply.Type == SftpPacketType.Handle, $"OPEN gave {reply.Type}");
        return reply.Bytes();
    }

    public async Task<SftpStatusCode> CloseAsync(byte[] handle)
        => (await RequestAsync(SftpWire.Packet(SftpPacketType.Close, NextId()).Bytes(handle))).Status();

    public SftpWire Write(byte[] handle, long offset, ReadOnlySpan<byte> data)
        => SftpWire.Packet(SftpPacketType.Write, NextId()).Bytes(handle).UInt64((ulong)offset).Bytes(data);

    public async Task<SftpStatusCode> StatusOfAsync(SftpWire packet) => (await RequestAsync(packet)).Status();

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        try
        {
            await Server.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
        }
    }
}
