using System.IO.Pipelines;
using SftpKit.Ssh.Connection;
using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Connection;

/// <summary>A channel over a transport whose unencrypted packets land in a pipe the test reads.</summary>
internal sealed class ChannelHarness : IAsyncDisposable
{
    private readonly Pipe _wire = new();
    private readonly Pipe _unused = new();
    private readonly PacketDecoder _decoder = new(256 * 1024);

    public ChannelHarness(uint localWindow, uint remoteWindow = 1 << 20, long windowReserve = 0)
    {
        Transport = new SshTransport(_unused.Reader, _wire.Writer, 256 * 1024, dataSlots: 4, maxQueuedMessages: 100);
        Transport.StartWriter();
        Channel = new SshChannel(Transport, localId: 0, remoteId: 7, remoteWindow, remoteMaxPacket: 32768, localWindow, maxChunk: 32768,
            windowReserve);
    }

    public SshTransport Transport { get; }

    public SshChannel Channel { get; }

    /// <summary>The next packet the transport wrote, within 10 seconds.</summary>
    public async Task<byte[]> NextPacketAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await _wire.Reader.ReadAsync(timeout.Token);
            var buffer = read.Buffer;
            if (_decoder.TryDecode(ref buffer, out var payload))
            {
                byte[] packet = payload.ToArray();
                _wire.Reader.AdvanceTo(buffer.Start);
                return packet;
            }
            _wire.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Abort();
        Channel.Dispose();
        await Transport.DisposeAsync();
        _decoder.Dispose();
    }
}
