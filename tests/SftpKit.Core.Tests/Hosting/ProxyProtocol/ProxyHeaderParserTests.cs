using System.Buffers;
using System.Net;
using System.Text;
using SftpKit.Hosting.ProxyProtocol;
using SftpKit.Tests.Ssh.Transport;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static readonly byte[] SshLine = "SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray();

    /// <summary>Parses <paramref name="data"/> as one segment and as one byte per segment; both must agree.</summary>
    private static (ProxyParseStatus Status, ProxyHeader Header, int Consumed) Parse(byte[] data)
    {
        var one = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(data), out var header, out int consumed, out string? error);
        var split = ProxyHeaderParser.TryParse(SequenceFactory.OneBytePerSegment(data), out var header2, out int consumed2, out string? error2);
        Assert.Equal(one, split);
        Assert.Equal(header, header2);
        Assert.Equal(consumed, consumed2);
        Assert.Equal(error, error2);
        Assert.Equal(one == ProxyParseStatus.Invalid, error is not null);
        return (one, header, consumed);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] V2(byte versionCommand, byte familyTransport, byte[] payload, int? declaredLength = null)
    {
        int length = declaredLength ?? payload.Length;
        return [.. Signature, versionCommand, familyTransport, (byte)(length >> 8), (byte)length, .. payload];
    }

    [Fact]
    public void Reads_v1_TCP4_and_leaves_the_client_bytes()
    {
        byte[] header = Ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 2022\r\n");
        var (status, parsed, consumed) = Parse([.. header, .. SshLine]);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(header.Length, consumed);
        Assert.Equal(1, parsed.Version);
        Assert.Equal(ProxyCommand.Proxy, parsed.Command);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 56324), parsed.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 2022), parsed.Destination);
    }

    [Fact]
    public void Reads_v1_TCP6_including_the_longest_line()
    {
        var (status, parsed, _) = Parse(Ascii("PROXY TCP6 2001:db8::7 2001:db8::1 0 65535\r\n"));
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 0), parsed.Source);
        Assert.Equal(65535, parsed.Destination!.Port);

        string full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] longest = Ascii($"PROXY TCP6 {full} {full} 65535 65535\r\n");
        Assert.Equal(104, longest.Length);
        (status, parsed, int consumed) = Parse(longest);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(104, consumed);
        Assert.Equal(IPAddress.Parse(full), parsed.Source!.Address);
    }

    [Fact]
    public void Reads_v1_UNKNOWN_short_and_long_forms_without_an_address()
    {
        var (status, parsed, consumed) = Parse([.. Ascii("PROXY UNKNOWN\r\n"), .. SshLine]);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(15, consumed);
        Assert.Null(parsed.Source);

        string full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] worst = Ascii($"PROXY UNKNOWN {full} {full} 65535 65535\r\n");
        Assert.Equal(ProxyHeaderParser.MaxV1Length, worst.Length);
        (status, parsed, consumed) = Parse(worst);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(107, consumed);
        Assert.Null(parsed.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324 2022\n")]           // bare LF
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324 2022 \r\n")]        // trailing space
    [InlineData("PROXY TCP4  192.0.2.10 198.51.100.1 56324 2022\r\n")]        // double space
    [InlineData("PROXY TCP4 192.0.2.010 198.51.100.1 56324 2022\r\n")]        // leading zero in an octet
    [InlineData("PROXY TCP4 192.0.2.256 198.51.100.1 56324 2022\r\n")]        // octet out of range
    [InlineData("PROXY TCP4 192.0.2 198.51.100.1 56324 2022\r\n")]            // three octets
    [InlineData("PROXY TCP4 2001:db8::1 198.51.100.1 56324 2022\r\n")]        // family mismatch
    [InlineData("PROXY TCP6 192.0.2.10 2001:db8::1 56324 2022\r\n")]          // family mismatch
    [InlineData("PROXY TCP6 fe80::1%eth0 2001:db8::1 56324 2022\r\n")]        // zone id
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 065535 2022\r\n")]        // leading zero in a port
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 65536 2022\r\n")]         // port out of range
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 -1 2022\r\n")]            // sign
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n")]              // missing field
    [InlineData("PROXY UDP4 192.0.2.10 198.51.100.1 56324 2022\r\n")]         // unknown protocol
    [InlineData("PROXY UNKNOWNX\r\n")]
    [InlineData("PROXY\r\n")]
    [InlineData("PROXZ TCP4 192.0.2.10 198.51.100.1 56324 2022\r\n")]
    public void Refuses_malformed_v1_lines(string line)
    {
        Assert.Equal(ProxyParseStatus.Invalid, Parse(Ascii(line)).Status);
    }

    [Fact]
    public void Refuses_a_v1_line_without_CRLF_in_107_bytes_and_waits_below_that()
    {
        byte[] garbage = Ascii("PROXY TCP4 " + new string('1', 200));
        Assert.Equal(ProxyParseStatus.Invalid, Parse(garbage).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(garbage[..107]).Status);
        Assert.Equal(ProxyParseStatus.Incomplete, Parse(garbage[..106]).Status);
    }

    [Fact]
    public void Every_proper_prefix_of_a_header_is_incomplete()
    {
        byte[] v1 = Ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 2022\r\n");
        byte[] v2 = V2(0x21, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0xDB, 0xC4, 0x07, 0xE6]);
        foreach (var header in new[] { v1, v2 })
        {
            for (int length = 0; length < header.Length; length++)
            {
                Assert.Equal(ProxyParseStatus.Incomplete, Parse(header[..length]).Status);
            }
            Assert.Equal(ProxyParseStatus.Complete, Parse(header).Status);
        }
    }

    [Fact]
    public void Reads_v2_PROXY_over_TCP_IPv4()
    {
        byte[] header = V2(0x21, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0xDB, 0xC4, 0x07, 0xE6]);
        var (status, parsed, consumed) = Parse([.. header, .. SshLine]);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(28, consumed);
        Assert.Equal(2, parsed.Version);
        Assert.Equal(ProxyCommand.Proxy, parsed.Command);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 56260), parsed.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 2022), parsed.Destination);
    }

    [Fact]
    public void Reads_v2_PROXY_over_TCP_IPv6_and_skips_TLVs()
    {
        byte[] source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        byte[] destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        byte[] tlvs = [0x04, 0x00, 0x03, 0, 0, 0, 0x05, 0x00, 0x02, 0xAB, 0xCD]; // NOOP, UNIQUE_ID
        byte[] header = V2(0x21, 0x21, [.. source, .. destination, 0x30, 0x39, 0x07, 0xE6, .. tlvs]);
        var (status, parsed, consumed) = Parse([.. header, .. SshLine]);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(16 + 36 + tlvs.Length, consumed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 12345), parsed.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 2022), parsed.Destination);
    }

    [Fact]
    public void V2_LOCAL_keeps_the_socket_address_whatever_it_carries()
    {
        var (status, parsed, consumed) = Parse([.. V2(0x20, 0x00, []), .. SshLine]);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(16, consumed);
        Assert.Equal(ProxyCommand.Local, parsed.Command);
        Assert.Null(parsed.Source);

        // LOCAL with an address block: skipped, never used.
        (status, parsed, consumed) = Parse(V2(0x20, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0, 1, 0, 2]));
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(28, consumed);
        Assert.Null(parsed.Source);
    }

    [Theory]
    [InlineData(0x00)] // UNSPEC
    [InlineData(0x31)] // UNIX stream
    [InlineData(0x12)] // UDP over IPv4
    [InlineData(0x10)] // IPv4, unspecified transport
    public void V2_PROXY_with_an_unsupported_family_keeps_the_socket_address(byte familyTransport)
    {
        byte[] payload = new byte[familyTransport >> 4 == 3 ? 216 : 12];
        var (status, parsed, consumed) = Parse(V2(0x21, familyTransport, payload));
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(16 + payload.Length, consumed);
        Assert.Equal(ProxyCommand.Proxy, parsed.Command);
        Assert.Null(parsed.Source);
    }

    [Theory]
    [InlineData(0x11, 0x11)] // version 1 in the binary form
    [InlineData(0x31, 0x11)] // version 3
    [InlineData(0x22, 0x11)] // command 2
    [InlineData(0x2F, 0x11)] // command 15
    [InlineData(0x21, 0x41)] // family 4
    [InlineData(0x21, 0x13)] // transport 3
    public void Refuses_v2_headers_with_unassigned_fields(byte versionCommand, byte familyTransport)
    {
        Assert.Equal(ProxyParseStatus.Invalid, Parse(V2(versionCommand, familyTransport, new byte[12])).Status);
    }

    [Fact]
    public void Refuses_a_v2_address_block_shorter_than_its_family()
    {
        Assert.Equal(ProxyParseStatus.Invalid, Parse(V2(0x21, 0x11, new byte[11])).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(V2(0x21, 0x21, new byte[12])).Status);
    }

    [Fact]
    public void Refuses_an_oversized_v2_header_before_buffering_it()
    {
        // Only the fixed part is present: the declared length alone decides.
        byte[] fixedPart = V2(0x21, 0x11, [], declaredLength: ProxyHeaderParser.MaxV2PayloadLength + 1);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(fixedPart).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(V2(0x21, 0x11, [], declaredLength: 0xFFFF)).Status);

        byte[] largest = V2(0x21, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0, 1, 0, 2, .. new byte[ProxyHeaderParser.MaxV2PayloadLength - 12]]);
        var (status, _, consumed) = Parse(largest);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.Equal(ProxyHeaderParser.MaxHeaderLength, consumed);
    }

    [Fact]
    public void Refuses_a_truncated_v2_signature_followed_by_other_bytes()
    {
        Assert.Equal(ProxyParseStatus.Invalid, Parse([.. Signature[..6], .. SshLine]).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse("\r\nSSH-2.0-x\r\n"u8.ToArray()).Status);
    }

    [Fact]
    public void An_SSH_client_or_garbage_is_not_a_PROXY_header()
    {
        Assert.Equal(ProxyParseStatus.NotProxy, Parse(SshLine).Status);
        Assert.Equal(ProxyParseStatus.NotProxy, Parse([0x00, 0x01, 0x02]).Status);
        Assert.Equal(ProxyParseStatus.NotProxy, Parse("GET / HTTP/1.1\r\n"u8.ToArray()).Status);
        // Decided on the first byte; a listener that requires a header closes such a connection all the same.
        Assert.Equal(ProxyParseStatus.NotProxy, Parse("proxy TCP4 192.0.2.10 198.51.100.1 56324 2022\r\n"u8.ToArray()).Status);
        Assert.Equal(ProxyParseStatus.Incomplete, Parse([]).Status);
    }
}
