using System.Net;

namespace SftpKit.Networking.Tests;

/// <summary>The one parser behind every address list: what parses, its normalised form, what is refused, matching.</summary>
public sealed class SftpNetworkTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("10.0.0.1/32", "10.0.0.1")]
    [InlineData("10.0.0.0/08", "10.0.0.0/8")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:DB8:0:0::1", "2001:db8::1")]
    [InlineData("2001:db8:0:0::/32", "2001:db8::/32")]
    [InlineData("::1/128", "::1")]
    [InlineData("::/0", "::/0")]
    [InlineData("  10.0.0.0/8\t", "10.0.0.0/8")]
    [InlineData("\n2001:db8::/64 ", "2001:db8::/64")]
    public void Parses_addresses_and_networks_to_their_normalised_form(string entry, string normalised)
    {
        Assert.True(SftpNetwork.TryParse(entry, out var network));
        Assert.Equal(normalised, network.ToString());
        Assert.True(SftpNetwork.TryNormalize(entry, out string? text));
        Assert.Equal(normalised, text);
        Assert.Equal(network, SftpNetwork.Parse(normalised));
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("10.1.2.3/16", "10.1.0.0/16")]
    [InlineData("10.1.2.3/0", "0.0.0.0/0")]
    [InlineData("192.0.2.255/25", "192.0.2.128/25")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    [InlineData("2001:db8:ffff:ffff::1/33", "2001:db8:8000::/33")]
    public void Host_bits_after_the_prefix_are_cleared(string entry, string normalised)
    {
        Assert.True(SftpNetwork.TryNormalize(entry, out string? text));
        Assert.Equal(normalised, text);
        Assert.Equal(SftpNetwork.Parse(normalised), SftpNetwork.Parse(entry));
    }

    [Theory]
    [InlineData("10.1.2.3/8", false)]
    [InlineData("2001:db8::1/32", false)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.0.0.0/104", true)]
    [InlineData("::ffff:10.0.0.1/104", false)]
    public void The_certificate_mode_refuses_host_bits_instead(string entry, bool parses)
        => Assert.Equal(parses, SftpNetwork.TryParse(entry, hostBitsAllowed: false, out _));

    [Theory]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("::FFFF:a00:1", "10.0.0.1")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    [InlineData("::ffff:10.1.2.3/104", "10.0.0.0/8")]
    [InlineData("::ffff:10.0.0.1/128", "10.0.0.1")]
    [InlineData("::ffff:0.0.0.0/96", "0.0.0.0/0")]
    public void Ipv4_mapped_entries_are_the_ipv4_network_they_map(string entry, string normalised)
    {
        Assert.True(SftpNetwork.TryParse(entry, out var network));
        Assert.Equal(normalised, network.ToString());
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, network.BaseAddress.AddressFamily);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-ip")]
    [InlineData("balancer.example")]
    [InlineData("10.0.0.0/33")]
    [InlineData("::/129")]
    [InlineData("10.0.0.0/1000")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/")]
    [InlineData("/8")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0.0.0 /8")]
    [InlineData("10.0.0.0/8 8")]
    [InlineData("10.0.0.0/0x8")]
    [InlineData("10 .0.0.0")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("10.1")] // IPAddress.TryParse reads it as 10.0.0.1
    [InlineData("167772161")] // and this as 10.0.0.1
    [InlineData("010.0.0.1")] // and this as octal, 8.0.0.1
    [InlineData("10.0.0.01")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("10.0.0.1:22")]
    [InlineData("[::1]")]
    [InlineData("[::1]:22")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%2")]
    [InlineData("fe80::%eth0/64")]
    [InlineData("2001:db8::g")]
    [InlineData("2001:db8:::1")]
    [InlineData("::ffff:10.0.0.0/95")] // wider than the mapped range: not an IPv4 network
    [InlineData("2001:db8:0000:0000:0000:0000:0000:0001/128       x")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0000:0001/128")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000010.0.0.1")]
    public void Refuses_what_is_not_one_address_or_network(string? entry)
    {
        Assert.False(SftpNetwork.TryParse(entry, out var network));
        Assert.Null(network);
        Assert.False(SftpNetwork.TryNormalize(entry, out string? text));
        Assert.Null(text);
        if (entry is not null)
        {
            var error = Assert.Throws<FormatException>(() => SftpNetwork.Parse(entry));
            Assert.Contains($"'{entry}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.200.1.1", true)] // a client on a dual-stack socket
    [InlineData("::ffff:10.0.0.0/104", "10.200.1.1", true)]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.1.2.3", "10.1.2.4", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("0.0.0.0/0", "192.0.2.1", true)]
    [InlineData("0.0.0.0/0", "::1", false)]
    [InlineData("::/0", "192.0.2.1", false)]
    [InlineData("::/0", "::ffff:192.0.2.1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("fe80::/10", "fe80::1%2", true)] // a client's zone does not matter, the address does
    public void Contains_compares_ipv4_mapped_clients_as_ipv4(string entry, string address, bool contained)
        => Assert.Equal(contained, SftpNetwork.Parse(entry).Contains(IPAddress.Parse(address)));

    [Fact]
    public void Exposes_base_address_and_prefix()
    {
        var network = SftpNetwork.Parse("10.1.2.3/8");
        Assert.Equal(IPAddress.Parse("10.0.0.0"), network.BaseAddress);
        Assert.Equal(8, network.PrefixLength);
        Assert.False(network.IsSingleAddress);
        Assert.True(SftpNetwork.Parse("2001:db8::1").IsSingleAddress);
        Assert.Equal(128, SftpNetwork.Parse("2001:db8::1").PrefixLength);
    }

    [Fact]
    public void Normalises_only_mapped_addresses()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), SftpNetwork.NormalizeAddress(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.Equal(IPAddress.Parse("::10.0.0.1"), SftpNetwork.NormalizeAddress(IPAddress.Parse("::10.0.0.1")));
        Assert.Equal(IPAddress.IPv6Loopback, SftpNetwork.NormalizeAddress(IPAddress.IPv6Loopback));
    }

    [Fact]
    public void A_list_contains_what_any_entry_contains()
    {
        var list = SftpNetworkList.Parse(["198.51.100.0/24", "2001:db8::1", " 10.1.2.3/16 "]);
        Assert.Equal(3, list.Count);
        Assert.False(list.IsEmpty);
        Assert.True(list.Contains(IPAddress.Parse("198.51.100.77")));
        Assert.True(list.Contains(IPAddress.Parse("::ffff:198.51.100.77")));
        Assert.True(list.Contains(IPAddress.Parse("2001:db8::1")));
        Assert.True(list.Contains(IPAddress.Parse("10.1.99.1")));
        Assert.False(list.Contains(IPAddress.Parse("2001:db8::2")));
        Assert.False(list.Contains(IPAddress.Parse("10.2.0.1")));
        Assert.Equal("198.51.100.0/24,2001:db8::1,10.1.0.0/16", list.ToString());
        Assert.Equal(["198.51.100.0/24", "2001:db8::1", "10.1.0.0/16"], list.Select(n => n.ToString()));
    }

    [Fact]
    public void An_empty_list_contains_nothing()
    {
        Assert.True(SftpNetworkList.Empty.IsEmpty);
        Assert.False(SftpNetworkList.Empty.Contains(IPAddress.Loopback));
        Assert.True(SftpNetworkList.TryParse([], out var list));
        Assert.False(list.Contains(IPAddress.Loopback));
    }

    [Fact]
    public void A_list_with_one_unreadable_entry_is_not_a_list()
    {
        var error = Assert.Throws<FormatException>(() => SftpNetworkList.Parse(["10.0.0.0/8", "10.0.0.0/33", "nope"]));
        Assert.Contains("'10.0.0.0/33'", error.Message, StringComparison.Ordinal);
        Assert.False(SftpNetworkList.TryParse(["10.0.0.0/8", "nope"], out var list));
        Assert.Null(list);
        Assert.False(SftpNetworkList.TryParse(null, out _));
    }

    [Fact]
    public void Normalize_rewrites_readable_entries_and_keeps_the_rest_in_place()
        => Assert.Equal(
            ["10.0.0.0/8", "nonsense", "2001:db8::/32", "10.0.0.1", ""],
            SftpNetworkList.Normalize(["10.1.2.3/8", "nonsense", "2001:DB8::/32", " ::ffff:10.0.0.1/128 ", ""]));

    [Fact]
    public void Equal_networks_are_equal_however_written()
    {
        Assert.Equal(SftpNetwork.Parse("10.0.0.0/8"), SftpNetwork.Parse("::ffff:10.9.9.9/104"));
        Assert.Equal(SftpNetwork.Parse("10.0.0.0/8").GetHashCode(), SftpNetwork.Parse("10.9.9.9/8").GetHashCode());
        Assert.NotEqual(SftpNetwork.Parse("10.0.0.0/8"), SftpNetwork.Parse("10.0.0.0/9"));
        Assert.NotEqual(SftpNetwork.Parse("0.0.0.0/0"), SftpNetwork.Parse("::/0"));
    }
}
