using SftpKit.Sessions;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Networking;
using SftpKit.Policies;

namespace SftpKit.Tests.Policies;

public sealed class InMemoryDefenderTests : IDisposable
{
    private static readonly IPAddress Host = IPAddress.Parse("198.51.100.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SftpMetrics _metrics = new(null);

    private InMemoryDefender Create(Action<SftpDefenderOptions>? configure = null)
    {
        var options = new SftpDefenderOptions();
        configure?.Invoke(options);
        return new InMemoryDefender(options, _time, _metrics, NullLogger<InMemoryDefender>.Instance);
    }

    [Fact]
    public async Task Defaults_ban_after_a_score_of_15_from_wrong_passwords()
    {
        var defender = Create();
        for (int i = 0; i < 14; i++)
        {
            await defender.AddEventAsync(Host, SftpDefenderEvent.InvalidCredentials);
        }
        Assert.Equal(14, (await defender.GetHostAsync(Host))!.Score);
        Assert.True(await defender.AdmitConnectionAsync(Host));

        await defender.AddEventAsync(Host, SftpDefenderEvent.InvalidCredentials);
        var entry = await defender.GetHostAsync(Host);
        Assert.NotNull(entry);
        Assert.True(entry.IsBanned);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), entry.BannedUntil);
        Assert.True(await defender.IsBannedAsync(Host));
    }

    [Fact]
    public async Task Unknown_users_score_2_and_limits_3()
    {
        var defender = Create();
        await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        Assert.Equal(2, (await defender.GetHostAsync(Host))!.Score);
        await defender.AddEventAsync(Host, SftpDefenderEvent.LimitExceeded);
        Assert.Equal(5, (await defender.GetHostAsync(Host))!.Score);
        for (int i = 0; i < 5; i++)
        {
            await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        }
        Assert.True(await defender.IsBannedAsync(Host)); // 5 + 10 = 15
    }

    [Fact]
    public async Task Scores_older_than_the_observation_window_do_not_count()
    {
        var defender = Create();
        for (int i = 0; i < 7; i++)
        {
            await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        }
        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await defender.GetHostAsync(Host));
        await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        Assert.False(await defender.IsBannedAsync(Host));
        Assert.Equal(2, (await defender.GetHostAsync(Host))!.Score);
    }

    [Fact]
    public async Task Connecting_while_banned_extends_the_ban_and_it_expires_afterwards()
    {
        var defender = Create();
        var start = _time.GetUtcNow();
        await defender.BanAsync(Host, TimeSpan.FromMinutes(30));

        Assert.False(await defender.AdmitConnectionAsync(Host));
        Assert.Equal(start + TimeSpan.FromMinutes(45), (await defender.GetHostAsync(Host))!.BannedUntil); // +50 % of 30 min

        _time.Advance(TimeSpan.FromMinutes(44));
        Assert.True(await defender.IsBannedAsync(Host));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(await defender.IsBannedAsync(Host));
        Assert.True(await defender.AdmitConnectionAsync(Host));
        Assert.Null(await defender.GetHostAsync(Host));
    }

    [Fact]
    public async Task Safe_listed_networks_are_never_scored()
    {
        var defender = Create(o => o.SafeList.Add("198.51.100.0/24"));
        for (int i = 0; i < 50; i++)
        {
            await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        }
        Assert.Null(await defender.GetHostAsync(Host));
        Assert.True(await defender.AdmitConnectionAsync(Host));

        var outside = IPAddress.Parse("198.51.101.1");
        for (int i = 0; i < 8; i++)
        {
            await defender.AddEventAsync(outside, SftpDefenderEvent.UnknownUser);
        }
        Assert.True(await defender.IsBannedAsync(outside));
    }

    [Fact]
    public async Task Block_list_refuses_even_when_disabled_and_matches_mapped_ipv6()
    {
        var defender = Create(o =>
        {
            o.Enabled = false;
            o.BlockList.Add("203.0.113.0/25");
            o.BlockList.Add("2001:db8::1");
        });
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Parse("203.0.113.5")));
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Parse("::ffff:203.0.113.6")));
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Parse("2001:db8::1")));
        Assert.True(await defender.AdmitConnectionAsync(IPAddress.Parse("203.0.113.200")));
        Assert.True(await defender.AdmitConnectionAsync(IPAddress.Parse("2001:db8::2")));

        for (int i = 0; i < 20; i++)
        {
            await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        }
        Assert.False(await defender.IsBannedAsync(Host)); // disabled: no scores, no bans
    }

    [Fact]
    public async Task Tracked_hosts_stay_within_the_hard_limit_dropping_the_oldest()
    {
        var defender = Create(o =>
        {
            o.EntriesSoftLimit = 10;
            o.EntriesHardLimit = 15;
        });
        for (int i = 1; i <= 100; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await defender.AddEventAsync(IPAddress.Parse($"192.0.2.{i}"), SftpDefenderEvent.InvalidCredentials);
            Assert.True((await defender.GetHostsAsync()).Count <= 15);
        }
        var hosts = await defender.GetHostsAsync();
        Assert.Contains(hosts, h => h.Address.Equals(IPAddress.Parse("192.0.2.100")));
        Assert.DoesNotContain(hosts, h => h.Address.Equals(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public async Task Bans_stay_within_the_hard_limit()
    {
        var defender = Create(o =>
        {
            o.EntriesSoftLimit = 5;
            o.EntriesHardLimit = 8;
        });
        for (int i = 1; i <= 40; i++)
        {
            await defender.BanAsync(IPAddress.Parse($"192.0.2.{i}"), TimeSpan.FromMinutes(i));
            Assert.True((await defender.GetHostsAsync()).Count <= 8);
        }
        Assert.True(await defender.IsBannedAsync(IPAddress.Parse("192.0.2.40")));
    }

    [Fact]
    public async Task Unban_removes_ban_and_score()
    {
        var defender = Create();
        await defender.BanAsync(Host, TimeSpan.FromHours(1));
        Assert.True(await defender.UnbanAsync(Host));
        Assert.True(await defender.AdmitConnectionAsync(Host));
        Assert.False(await defender.UnbanAsync(Host));

        await defender.AddEventAsync(Host, SftpDefenderEvent.UnknownUser);
        Assert.True(await defender.UnbanAsync(Host));
        Assert.Null(await defender.GetHostAsync(Host));
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.1.2.3/16", "10.1.99.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("0.0.0.0/0", "192.0.2.1", true)]
    public void Lists_accept_addresses_and_cidr_networks(string entry, string address, bool contained)
        => Assert.Equal(contained, SftpNetworkList.Parse([entry]).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/-1")]
    public void Lists_reject_malformed_entries(string entry) => Assert.False(SftpNetwork.TryParse(entry, out _));

    public void Dispose() => _metrics.Dispose();
}
