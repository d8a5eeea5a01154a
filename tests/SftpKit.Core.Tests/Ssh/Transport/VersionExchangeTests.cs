using System.Buffers;
using System.Text;
using SftpKit.Ssh;
using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class VersionExchangeTests
{
    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")]
    [InlineData("SSH-2.0-paramiko_2.12.0\n", "SSH-2.0-paramiko_2.12.0")]
    [InlineData("SSH-1.99-Old\r\n", "SSH-1.99-Old")]
    public void Parses_identification_line_from_any_segmentation(string line, string expected)
    {
        byte[] data = Encoding.ASCII.GetBytes(line + "rest");
        foreach (var sequence in new[] { new ReadOnlySequence<byte>(data), SequenceFactory.OneBytePerSegment(data) })
        {
            var buffer = sequence;
            Assert.True(VersionExchange.TryParseLine(ref buffer, 255, out var version));
            Assert.Equal(expected, version);
            Assert.Equal(4, buffer.Length);
        }
    }

    [Fact]
    public void Waits_for_the_end_of_the_line()
    {
        var buffer = new ReadOnlySequence<byte>("SSH-2.0-Partial"u8.ToArray());
        Assert.False(VersionExchange.TryParseLine(ref buffer, 255, out _));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("SSH-1.5-Ancient\r\n")]
    [InlineData("SSH-2.0-Bad\u0001Char\r\n")]
    [InlineData("HELO")]
    public void Rejects_what_is_not_an_ssh2_identification(string line)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(line));
        var ex = Assert.Throws<SshProtocolException>(() => VersionExchange.TryParseLine(ref buffer, 255, out _));
        Assert.Equal(SshDisconnectReason.ProtocolVersionNotSupported, ex.Reason);
    }

    [Fact]
    public void Rejects_a_line_over_the_limit()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("SSH-2.0-" + new string('a', 300)));
        Assert.Throws<SshProtocolException>(() => VersionExchange.TryParseLine(ref buffer, 255, out _));
    }
}
