using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SftpKit.Networking;

/// <summary>
/// One entry of an address list — an account's <c>AllowedIPs</c>/<c>DeniedIPs</c>, an admin's
/// <c>AllowedNetworks</c>, the defender's safe and block lists, <c>TrustedProxies</c>, a certificate's
/// <c>source-address</c>: a single IPv4 or IPv6 address, or a CIDR network.
/// </summary>
/// <remarks>
/// <para>What parses: <c>192.0.2.7</c>, <c>192.0.2.0/24</c>, <c>2001:db8::1</c>, <c>2001:db8::/32</c>, with
/// surrounding white space ignored. An IPv4 address must be four decimal octets without leading zeros
/// (<c>10.1</c>, <c>010.0.0.1</c> and <c>0x7f.0.0.1</c> are refused, since resolvers read them differently); an IPv6
/// address has no zone (<c>fe80::1%eth0</c>), brackets or port; the prefix is 0–32 or 0–128 in decimal digits.
/// An IPv4-mapped IPv6 entry is the IPv4 network it maps (<c>::ffff:10.0.0.0/104</c> is <c>10.0.0.0/8</c>; a
/// mapped entry with a prefix under 96 is refused), because clients that reach a dual-stack socket over IPv4 are
/// compared as IPv4.</para>
/// <para>Host bits after the prefix are cleared: <c>10.1.2.3/8</c> is the network <c>10.0.0.0/8</c>, as SFTPGo reads
/// it. The admin API and the account and admin stores save that normalised form, so what is stored is what is
/// matched.</para>
/// <para>The normalised form (<see cref="ToString"/>): a single host without a prefix (<c>10.0.0.1/32</c> is
/// <c>10.0.0.1</c>), a network as base address and prefix (<c>10.0.0.0/8</c>), IPv6 in RFC 5952 form
/// (<c>2001:db8::/32</c>, lower case, longest zero run compressed).</para>
/// </remarks>
public sealed class SftpNetwork : IEquatable<SftpNetwork>
{
    /// <summary>The longest text that can be an entry (an IPv6 address with an embedded IPv4 and a prefix is 49).</summary>
    private const int MaxLength = 64;

    private readonly IPNetwork _network;

    private SftpNetwork(IPNetwork network) => _network = network;

    /// <summary>The network's first address (IPv4 for an IPv4-mapped entry).</summary>
    public IPAddress BaseAddress => _network.BaseAddress;

    /// <summary>The prefix length: 32 or 128 for a single address.</summary>
    public int PrefixLength => _network.PrefixLength;

    /// <summary>Whether the entry is one address rather than a network of several.</summary>
    public bool IsSingleAddress => PrefixLength == MaxPrefix(BaseAddress);

    /// <summary>Whether <paramref name="address"/> is inside this network; an IPv4-mapped IPv6 address counts as IPv4.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _network.Contains(NormalizeAddress(address));
    }

    /// <summary>The normalised form: <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>, or the bare address for a single host.</summary>
    public override string ToString() => IsSingleAddress
        ? BaseAddress.ToString()
        : BaseAddress.ToString() + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an address or CIDR network (see the type's remarks for the rules).</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an address or CIDR network.</exception>
    public static SftpNetwork Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var network)
            ? network
            : throw new FormatException($"'{text}' is not an IP address or CIDR network (e.g. 192.0.2.0/24, 2001:db8::/32).");
    }

    /// <summary>Parses an address or CIDR network (see the type's remarks for the rules); false when it is neither.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SftpNetwork? network) =>
        TryParse(text, hostBitsAllowed: true, out network);

    /// <summary>
    /// The normalised form of <paramref name="text"/> (<c>10.1.2.3/8</c> gives <c>10.0.0.0/8</c>,
    /// <c>2001:DB8:0::1/128</c> gives <c>2001:db8::1</c>), or false when it is not an address or CIDR network.
    /// </summary>
    public static bool TryNormalize([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = TryParse(text, out var network) ? network.ToString() : null;
        return normalized is not null;
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 address it maps; any other address as it is.</summary>
    public static IPAddress NormalizeAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>
    /// Parses with the rules of the type; with <paramref name="hostBitsAllowed"/> false an entry whose address has bits
    /// set after the prefix is refused instead of cleared, as OpenSSH's <c>addr_pton_cidr</c> refuses it in a
    /// certificate's <c>source-address</c>.
    /// </summary>
    internal static bool TryParse([NotNullWhen(true)] string? text, bool hostBitsAllowed, [NotNullWhen(true)] out SftpNetwork? network)
    {
        network = null;
        if (text is null)
        {
            return false;
        }
        var entry = text.AsSpan().Trim();
        if (entry.IsEmpty || entry.Length > MaxLength)
        {
            return false;
        }
        int slash = entry.IndexOf('/');
        var addressText = slash < 0 ? entry : entry[..slash];
        if (!TryParseAddress(addressText, out var address))
        {
            return false;
        }
        int prefix = MaxPrefix(address);
        if (slash >= 0 && !TryParsePrefix(entry[(slash + 1)..], prefix, out prefix))
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            // The mapped range is ::ffff:0:0/96; a shorter prefix names IPv6 addresses beyond it, which no client
            // compared as IPv4 could match.
            if (prefix < 96)
            {
                return false;
            }
            address = address.MapToIPv4();
            prefix -= 96;
        }
        byte[] bytes = address.GetAddressBytes();
        bool hostBits = false;
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            byte mask = (byte)(0x80 >> (bit % 8));
            hostBits |= (bytes[bit / 8] & mask) != 0;
            bytes[bit / 8] &= (byte)~mask;
        }
        if (hostBits && !hostBitsAllowed)
        {
            return false;
        }
        network = new SftpNetwork(new IPNetwork(new IPAddress(bytes), prefix));
        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        bool v6 = text.Contains(':');
        foreach (char c in text)
        {
            // Digits and dots only for IPv4; hex digits, colons and an embedded dotted IPv4 for IPv6. This keeps out
            // zones (%), brackets, ports and white space, all of which IPAddress.TryParse would accept or strip.
            if (!(char.IsAsciiDigit(c) || c == '.' || (v6 && (c == ':' || char.IsAsciiHexDigit(c)))))
            {
                return false;
            }
        }
        if (!IPAddress.TryParse(text, out address))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // IPAddress.TryParse reads "10.1" as 10.0.0.1 and "010.0.0.1" as octal 8.0.0.1; only the canonical
            // dotted quad means the same to every reader.
            Span<char> canonical = stackalloc char[15];
            return address.TryFormat(canonical, out int written) && text.SequenceEqual(canonical[..written]);
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId == 0;
    }

    private static bool TryParsePrefix(ReadOnlySpan<char> text, int max, out int prefix)
    {
        prefix = 0;
        if (text.IsEmpty || text.Length > 3)
        {
            return false;
        }
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            prefix = prefix * 10 + (c - '0');
        }
        return prefix <= max;
    }

    private static int MaxPrefix(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    /// <inheritdoc/>
    public bool Equals(SftpNetwork? other) => other is not null && _network.Equals(other._network);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SftpNetwork other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _network.GetHashCode();
}
