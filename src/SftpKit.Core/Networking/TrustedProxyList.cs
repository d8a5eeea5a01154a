using System.Net;

namespace SftpKit.Networking;

/// <summary>
/// The trusted proxies (<c>SftpServerOptions.TrustedProxies</c>) as a membership test, shared by the listeners (who
/// may send a PROXY header) and the defender's feeds (whom never to score). The entries are read and parsed on first
/// use, after options validation has reported unreadable entries; should one get past it, no proxy is trusted rather
/// than the list minus that entry.
/// </summary>
internal sealed class TrustedProxyList
{
    private readonly Lazy<SftpNetworkList> _networks;

    /// <summary>Creates the list over <paramref name="entries"/>, called once on first use.</summary>
    public TrustedProxyList(Func<IEnumerable<string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _networks = new Lazy<SftpNetworkList>(() =>
            SftpNetworkList.TryParse(entries(), out var list) ? list : SftpNetworkList.Empty);
    }

    /// <summary>Whether <paramref name="address"/> is one of the trusted proxies.</summary>
    public bool Contains(IPAddress? address) => address is not null && _networks.Value.Contains(address);
}
