using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SftpKit.Hosting.ProxyProtocol;

/// <summary>
/// Parses HAProxy PROXY protocol headers, version 1 (one text line) and version 2 (binary), from the first bytes of
/// a connection (haproxy's doc/proxy-protocol.txt). Try pattern: nothing is consumed unless a whole header is
/// there. Limits: a v1 line is at most <see cref="MaxV1Length"/> bytes including CR LF; a v2 header is 16 bytes plus
/// at most <see cref="MaxV2PayloadLength"/> bytes of addresses and TLVs (TLVs are skipped unread).
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>Longest v1 line, CR LF included (the spec's worst case, <c>PROXY UNKNOWN</c> with two IPv6 addresses).</summary>
    public const int MaxV1Length = 107;

    /// <summary>Fixed part of a v2 header: signature, version/command, family/transport, length.</summary>
    public const int V2FixedLength = 16;

    /// <summary>Largest v2 length field accepted (addresses plus TLVs); larger headers are refused.</summary>
    public const int MaxV2PayloadLength = 4096;

    /// <summary>Largest header this parser can return <see cref="ProxyParseStatus.Complete"/> for.</summary>
    public const int MaxHeaderLength = V2FixedLength + MaxV2PayloadLength;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>
    /// Reads a header from the start of <paramref name="buffer"/>. On <see cref="ProxyParseStatus.Complete"/>,
    /// <paramref name="consumed"/> is the header's length; bytes after it belong to the next protocol.
    /// <see cref="ProxyParseStatus.NotProxy"/> is decided on the first byte only (an SSH client starts with <c>S</c>),
    /// so every byte of an <see cref="ProxyParseStatus.Incomplete"/> buffer belongs to the header.
    /// </summary>
    public static ProxyParseStatus TryParse(in ReadOnlySequence<byte> buffer, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        if (buffer.IsEmpty)
        {
            return ProxyParseStatus.Incomplete;
        }
        byte first = buffer.FirstSpan[0];
        if (first == V1Prefix[0])
        {
            return TryParseV1(buffer, out header, out consumed, out error);
        }
        if (first == V2Signature[0])
        {
            return TryParseV2(buffer, out header, out consumed, out error);
        }
        return ProxyParseStatus.NotProxy;
    }

    private static ProxyParseStatus TryParseV1(in ReadOnlySequence<byte> buffer, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        Span<byte> line = stackalloc byte[MaxV1Length];
        int length = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, length).CopyTo(line);
        line = line[..length];
        int prefix = Math.Min(length, V1Prefix.Length);
        if (!line[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            error = "v1 header does not start with 'PROXY '";
            return ProxyParseStatus.Invalid;
        }
        int lf = line.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (length >= MaxV1Length)
            {
                error = "v1 header has no CR LF within 107 bytes";
                return ProxyParseStatus.Invalid;
            }
            return ProxyParseStatus.Incomplete;
        }
        if (lf == 0 || line[lf - 1] != (byte)'\r')
        {
            error = "v1 header line does not end in CR LF";
            return ProxyParseStatus.Invalid;
        }
        var text = line[V1Prefix.Length..(lf - 1)];
        if (text.StartsWith("UNKNOWN"u8) && (text.Length == 7 || text[7] == (byte)' '))
        {
            // The spec: the receiver must ignore anything after UNKNOWN up to CR LF.
            header = new ProxyHeader(1, ProxyCommand.Proxy, null, null);
            consumed = lf + 1;
            return ProxyParseStatus.Complete;
        }
        if (!TryParseV1Addresses(text, out var source, out var destination, out error))
        {
            return ProxyParseStatus.Invalid;
        }
        header = new ProxyHeader(1, ProxyCommand.Proxy, source, destination);
        consumed = lf + 1;
        return ProxyParseStatus.Complete;
    }

    /// <summary>Parses <c>TCP4|TCP6 SRC DST SPORT DPORT</c>: single spaces, canonical addresses, ports without leading zeros.</summary>
    private static bool TryParseV1Addresses(ReadOnlySpan<byte> text, out IPEndPoint? source, out IPEndPoint? destination, out string? error)
    {
        source = null;
        destination = null;
        error = "v1 header is malformed";
        Span<Range> fields = stackalloc Range[5];
        if (Split(text, (byte)' ', fields) != 5)
        {
            return false;
        }
        var family = text[fields[0]];
        AddressFamily expected;
        if (family.SequenceEqual("TCP4"u8))
        {
            expected = AddressFamily.InterNetwork;
        }
        else if (family.SequenceEqual("TCP6"u8))
        {
            expected = AddressFamily.InterNetworkV6;
        }
        else
        {
            error = "v1 header names an unknown protocol";
            return false;
        }
        if (!TryParseV1Address(text[fields[1]], expected, out var sourceAddress)
            || !TryParseV1Address(text[fields[2]], expected, out var destinationAddress)
            || !TryParseV1Port(text[fields[3]], out int sourcePort)
            || !TryParseV1Port(text[fields[4]], out int destinationPort))
        {
            return false;
        }
        source = new IPEndPoint(sourceAddress, sourcePort);
        destination = new IPEndPoint(destinationAddress, destinationPort);
        error = null;
        return true;
    }

    private static bool TryParseV1Address(ReadOnlySpan<byte> field, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (field.IsEmpty || field.Length > 45)
        {
            return false;
        }
        if (family == AddressFamily.InterNetwork)
        {
            // Exactly four decimal numbers 0–255 without leading zeros (IPAddress.TryParse would take "1", octal, hex).
            Span<Range> parts = stackalloc Range[4];
            if (Split(field, (byte)'.', parts) != 4)
            {
                return false;
            }
            Span<byte> bytes = stackalloc byte[4];
            for (int i = 0; i < 4; i++)
            {
                if (!TryParseDecimal(field[parts[i]], 255, out int value))
                {
                    return false;
                }
                bytes[i] = (byte)value;
            }
            address = new IPAddress(bytes);
            return true;
        }
        // IPv6: hex digits and colons (a dotted IPv4 tail, as inet_ntop writes mapped addresses, is accepted); no
        // zone id, brackets or prefix length.
        foreach (byte b in field)
        {
            if (!(char.IsAsciiHexDigit((char)b) || b is (byte)':' or (byte)'.'))
            {
                return false;
            }
        }
        Span<char> chars = stackalloc char[field.Length];
        for (int i = 0; i < field.Length; i++)
        {
            chars[i] = (char)field[i];
        }
        return IPAddress.TryParse(chars, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>Splits on every <paramref name="separator"/>; returns the field count, or one more than fits.</summary>
    private static int Split(ReadOnlySpan<byte> text, byte separator, Span<Range> fields)
    {
        int count = 0;
        foreach (var range in text.Split(separator))
        {
            if (count == fields.Length)
            {
                return count + 1;
            }
            fields[count++] = range;
        }
        return count;
    }

    private static bool TryParseV1Port(ReadOnlySpan<byte> field, out int port) => TryParseDecimal(field, 65535, out port);

    private static bool TryParseDecimal(ReadOnlySpan<byte> field, int max, out int value)
    {
        value = 0;
        if (field.IsEmpty || field.Length > 5 || field.Length > 1 && field[0] == (byte)'0')
        {
            return false;
        }
        foreach (byte b in field)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return value <= max;
    }

    private static ProxyParseStatus TryParseV2(in ReadOnlySequence<byte> buffer, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        Span<byte> fixedPart = stackalloc byte[V2FixedLength];
        int length = (int)Math.Min(buffer.Length, V2FixedLength);
        buffer.Slice(0, length).CopyTo(fixedPart);
        int signature = Math.Min(length, V2Signature.Length);
        if (!fixedPart[..signature].SequenceEqual(V2Signature[..signature]))
        {
            error = "v2 signature mismatch";
            return ProxyParseStatus.Invalid;
        }
        if (length < 13)
        {
            return ProxyParseStatus.Incomplete;
        }
        int version = fixedPart[12] >> 4;
        var command = (ProxyCommand)(fixedPart[12] & 0x0F);
        if (version != 2)
        {
            error = "v2 header has an unsupported version";
            return ProxyParseStatus.Invalid;
        }
        if (command is not (ProxyCommand.Local or ProxyCommand.Proxy))
        {
            error = "v2 header has an unknown command";
            return ProxyParseStatus.Invalid;
        }
        if (length < 14)
        {
            return ProxyParseStatus.Incomplete;
        }
        int family = fixedPart[13] >> 4;
        int transport = fixedPart[13] & 0x0F;
        if (family > 3 || transport > 2)
        {
            error = "v2 header has an unknown address family or transport";
            return ProxyParseStatus.Invalid;
        }
        if (length < V2FixedLength)
        {
            return ProxyParseStatus.Incomplete;
        }
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (payloadLength > MaxV2PayloadLength)
        {
            error = "v2 header is longer than 4096 bytes";
            return ProxyParseStatus.Invalid;
        }
        if (buffer.Length < V2FixedLength + payloadLength)
        {
            return ProxyParseStatus.Incomplete;
        }
        consumed = V2FixedLength + payloadLength;
        if (command == ProxyCommand.Local)
        {
            // The spec: the receiver must use the real endpoints and ignore the address block, whatever the family.
            header = new ProxyHeader(2, ProxyCommand.Local, null, null);
            return ProxyParseStatus.Complete;
        }
        const int Stream = 1, Inet = 1, Inet6 = 2;
        int addressLength = family switch { Inet => 4, Inet6 => 16, _ => 0 };
        if (transport != Stream || addressLength == 0)
        {
            // UNSPEC and UNIX families, UDP: nothing a TCP server can use; keep the socket's address.
            header = new ProxyHeader(2, ProxyCommand.Proxy, null, null);
            return ProxyParseStatus.Complete;
        }
        if (payloadLength < 2 * addressLength + 4)
        {
            error = "v2 address block is shorter than its family needs";
            consumed = 0;
            return ProxyParseStatus.Invalid;
        }
        Span<byte> block = stackalloc byte[2 * 16 + 4];
        block = block[..(2 * addressLength + 4)];
        buffer.Slice(V2FixedLength, block.Length).CopyTo(block);
        var source = new IPAddress(block[..addressLength]);
        var destination = new IPAddress(block.Slice(addressLength, addressLength));
        int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * addressLength)..]);
        int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * addressLength + 2)..]);
        header = new ProxyHeader(2, ProxyCommand.Proxy, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyParseStatus.Complete;
    }
}
