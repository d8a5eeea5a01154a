using System.Net;
using Microsoft.Extensions.Options;
using SftpKit.Networking;

namespace SftpKit.Hosting.ProxyProtocol;

/// <summary>
/// <see cref="SftpServerOptions.TrustedProxies"/> as a membership test, shared by the listeners (who may send a
/// PROXY header) and the defender's feeds (whom never to score). Built on first use, after options validation has
/// reported unreadable entries; should one get past it, no proxy is trusted rather than the list minus that entry.
/// </summary>
internal sealed class TrustedProxyList
{
    private readonly Lazy<SftpNetworkList> _networks;

    public TrustedProxyList(IOptions<SftpServerOptions> options)
        => _networks = new Lazy<SftpNetworkList>(() =>
            SftpNetworkList.TryParse(options.Value.TrustedProxies, out var list) ? list : SftpNetworkList.Empty);

    public bool Contains(IPAddress? address) => address is not null && _networks.Value.Contains(address);
}
