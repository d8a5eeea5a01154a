using System.Net;

namespace SftpKit.Policies;

/// <summary>A fixed list of addresses and CIDR networks with a membership test (safe list, block list).</summary>
internal sealed class IpNetworkList
{
    private readonly IPNetwork[] _networks;

    public IpNetworkList(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (!TryParse(entry, out var network))
            {
                throw new FormatException($"'{entry}' is not an IP address or CIDR network.");
            }
            networks.Add(network);
        }
        _networks = [.. networks];
    }

    public bool IsEmpty => _networks.Length == 0;

    public bool Contains(IPAddress address)
    {
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses <c>192.0.2.1</c>, <c>2001:db8::1</c>, <c>192.0.2.0/24</c> or <c>2001:db8::/32</c>.</summary>
    public static bool TryParse(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }
        entry = entry.Trim();
        if (!entry.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(entry, out var address))
            {
                return false;
            }
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        // IPNetwork.TryParse rejects networks with host bits set; accept them as their network, as SFTPGo does.
        int slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(entry[..slash], out var baseAddress)
            || !int.TryParse(entry[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix))
        {
            return false;
        }
        baseAddress = Normalize(baseAddress);
        int bits = baseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }
        byte[] bytes = baseAddress.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }

    /// <summary>IPv4-mapped IPv6 addresses are compared as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
