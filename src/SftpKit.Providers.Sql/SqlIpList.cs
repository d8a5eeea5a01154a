using System.Net;

namespace SftpKit.Providers.Sql;

/// <summary>Addresses and CIDR networks (the defender's safe and block lists); IPv4-mapped IPv6 counts as IPv4.</summary>
internal sealed class SqlIpList
{
    private readonly IPNetwork[] _networks;

    public SqlIpList(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (string entry in entries)
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                address = Normalize(address);
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        }
        _networks = [.. networks];
    }

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

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
