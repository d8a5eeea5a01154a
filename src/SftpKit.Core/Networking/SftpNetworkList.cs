using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace SftpKit.Networking;

/// <summary>
/// An address list (<see cref="SftpNetwork"/> entries) with a membership test: an account's allowed and denied
/// networks, an admin's allowed networks, the defender's safe and block lists, the trusted proxies.
/// </summary>
/// <remarks>
/// A list is all readable or not a list: <see cref="Parse"/> throws and <see cref="TryParse"/> returns false on the
/// first entry that is not an address or CIDR network, so no caller can match against a list that silently lost an
/// entry. What a caller does with an unreadable list is its own rule (options validation fails at start, a login is
/// refused).
/// </remarks>
public sealed class SftpNetworkList : IReadOnlyList<SftpNetwork>
{
    private readonly SftpNetwork[] _networks;

    /// <summary>Creates a list of parsed networks.</summary>
    public SftpNetworkList(IEnumerable<SftpNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        _networks = [.. networks];
        if (Array.IndexOf(_networks, null) >= 0)
        {
            throw new ArgumentException("A network list has no null entries.", nameof(networks));
        }
    }

    /// <summary>The list with no entries, which contains no address.</summary>
    public static SftpNetworkList Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _networks.Length;

    /// <summary>Whether the list has no entries.</summary>
    public bool IsEmpty => _networks.Length == 0;

    /// <inheritdoc/>
    public SftpNetwork this[int index] => _networks[index];

    /// <summary>Whether one of the entries holds <paramref name="address"/>; an IPv4-mapped IPv6 address counts as IPv4.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses every entry (the rules are <see cref="SftpNetwork"/>'s).</summary>
    /// <exception cref="FormatException">An entry is not an address or CIDR network; the message names it.</exception>
    public static SftpNetworkList Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new SftpNetworkList(entries.Select(SftpNetwork.Parse));
    }

    /// <summary>Parses every entry (the rules are <see cref="SftpNetwork"/>'s); false when any one is unreadable.</summary>
    public static bool TryParse([NotNullWhen(true)] IEnumerable<string>? entries, [NotNullWhen(true)] out SftpNetworkList? list)
    {
        list = null;
        if (entries is null)
        {
            return false;
        }
        var networks = new List<SftpNetwork>();
        foreach (string entry in entries)
        {
            if (!SftpNetwork.TryParse(entry, out var network))
            {
                return false;
            }
            networks.Add(network);
        }
        list = networks.Count == 0 ? Empty : new SftpNetworkList(networks);
        return true;
    }

    /// <summary>
    /// The entries in normalised form (<see cref="SftpNetwork.ToString"/>), in order; an unreadable entry is kept as
    /// written, so a store saves what it was given and validation (not the store) reports the entry.
    /// </summary>
    public static List<string> Normalize(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Select(e => SftpNetwork.TryNormalize(e, out string? normalized) ? normalized : e).ToList();
    }

    /// <summary>The entries in normalised form, comma-separated.</summary>
    public override string ToString() => string.Join(',', (IEnumerable<SftpNetwork>)_networks);

    /// <inheritdoc/>
    public IEnumerator<SftpNetwork> GetEnumerator() => ((IEnumerable<SftpNetwork>)_networks).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
