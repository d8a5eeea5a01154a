using System.Net;
using SftpKit.Hosting;

namespace SftpKit.Accounts.Tests;

/// <summary>An account's AllowedIPs and DeniedIPs at login: denied first, mapped clients as IPv4, unreadable lists refuse.</summary>
public sealed class AccountAddressRulesTests
{
    private static string? Refusal(string client, string[] allowed, string[] denied) =>
        AccountLoginAuthorizer.AddressRefusal(
            new SftpAccount { UserName = "u", AllowedIPs = [.. allowed], DeniedIPs = [.. denied] },
            new IPEndPoint(IPAddress.Parse(client), 50000));

    [Theory]
    [InlineData("10.1.1.1", new string[0], new string[0], true)]
    [InlineData("10.1.1.1", new[] { "10.0.0.0/8" }, new string[0], true)]
    [InlineData("::ffff:10.1.1.1", new[] { "10.0.0.0/8" }, new string[0], true)]
    [InlineData("11.1.1.1", new[] { "10.0.0.0/8" }, new string[0], false)]
    [InlineData("10.1.2.3", new[] { "10.0.0.0/8" }, new[] { "10.1.2.3" }, false)]
    [InlineData("10.1.99.1", new[] { "10.0.0.0/8" }, new[] { "10.1.2.3/16" }, false)] // host bits: 10.1.0.0/16
    [InlineData("10.2.0.1", new[] { "10.0.0.0/8" }, new[] { "10.1.2.3/16" }, true)]
    [InlineData("2001:db8::5", new[] { "2001:db8::/32" }, new string[0], true)]
    [InlineData("2001:db9::5", new[] { "2001:db8::/32" }, new string[0], false)]
    [InlineData("10.1.1.1", new string[0], new[] { "192.0.2.0/24" }, true)]
    public void Denied_first_then_allowed(string client, string[] allowed, string[] denied, bool admitted)
        => Assert.Equal(admitted, Refusal(client, allowed, denied) is null);

    [Theory]
    [InlineData(new[] { "10.0.0.0/8", "10.0.0.0/33" }, new string[0])]
    [InlineData(new[] { "10.0.0.0/8" }, new[] { "not a network" })]
    [InlineData(new string[0], new[] { "192.0.2.0/24", "fe80::1%eth0" })]
    public void A_list_with_an_unreadable_entry_refuses_every_address(string[] allowed, string[] denied)
        => Assert.Equal("unreadable entry in AllowedIPs or DeniedIPs", Refusal("10.1.1.1", allowed, denied));

    [Fact]
    public void An_unknown_address_passes_only_when_no_list_applies()
    {
        var open = new SftpAccount { UserName = "u" };
        var listed = new SftpAccount { UserName = "u", DeniedIPs = ["192.0.2.0/24"] };
        Assert.Null(AccountLoginAuthorizer.AddressRefusal(open, null));
        Assert.Null(AccountLoginAuthorizer.AddressRefusal(open, new DnsEndPoint("example.com", 22)));
        Assert.Equal("source address denied", AccountLoginAuthorizer.AddressRefusal(listed, null));
        Assert.Equal("source address denied", AccountLoginAuthorizer.AddressRefusal(listed, new DnsEndPoint("example.com", 22)));
    }
}
