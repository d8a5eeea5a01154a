using System.Net;
using Microsoft.Extensions.Options;
using SftpKit.Policies;

namespace SftpKit.Hosting.ProxyProtocol;

/// <summary>
/// <see cref="SftpServerOptions.TrustedProxies"/> as a membership test, shared by the listeners (who may send a
/// PROXY header) and the defender's feeds (whom never to score). Built on first use, after options validation has
/// reported unreadable entries; those are skipped here.
/// </summary>
internal sealed class TrustedProxyList
{
    private readonly Lazy<IPNetwork[]> _networks;

    public TrustedProxyList(IOptions<SftpServerOptions> options)
        => _networks = new Lazy<IPNetwork[]>(() => Parse(options.Value.TrustedProxies));

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        address = IpNetworkList.Normalize(address);
        foreach (var network in _networks.Value)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static IPNetwork[] Parse(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (IpNetworkList.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
        }
        return [.. networks];
    }
}
