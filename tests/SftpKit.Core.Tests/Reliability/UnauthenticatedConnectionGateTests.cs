using System.Net;
using SftpKit.Hosting;

namespace SftpKit.Tests.Reliability;

public sealed class UnauthenticatedConnectionGateTests
{
    [Theory]
    [InlineData("10:30:100", 10, 30, 100)]
    [InlineData("256:30:1024", 256, 30, 1024)]
    [InlineData("5", 5, 100, 5)]
    public void Parses_start_rate_full_or_a_hard_cap(string text, int start, int rate, int full)
    {
        Assert.True(MaxStartups.TryParse(text, out var value));
        Assert.Equal(new MaxStartups(start, rate, full), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("10:101:100")]
    [InlineData("100:30:10")]
    [InlineData("10:30")]
    [InlineData("-1:30:100")]
    [InlineData("a:b:c")]
    public void Rejects_malformed_specs(string text) => Assert.False(MaxStartups.TryParse(text, out _));

    [Fact]
    public void Holds_at_full_and_a_new_address_evicts_the_oldest_of_the_heaviest_address()
    {
        var gate = new UnauthenticatedConnectionGate(new MaxStartups(2, 100, 2));
        var closed = new List<string>();
        var heavy = IPAddress.Parse("10.0.0.1");
        var light = IPAddress.Parse("10.0.0.2");
        Assert.True(gate.TryEnter("a", heavy, closed.Add, out var evict));
        Assert.Null(evict);
        Assert.True(gate.TryEnter("b", heavy, closed.Add, out evict));
        Assert.Null(evict);

        // Full: the heavy address gets no more, a new address gets in by closing heavy's oldest ("a").
        Assert.False(gate.TryEnter("c", heavy, closed.Add, out _));
        Assert.True(gate.TryEnter("d", light, description => closed.Add("d:" + description), out evict));
        evict!("a");
        Assert.Equal(["a"], closed);
        Assert.Equal(2, gate.Count);

        // "light" now holds one: it is refused like anyone already present; leaving frees a slot.
        Assert.False(gate.TryEnter("e", light, closed.Add, out _));
        gate.Leave("b");
        Assert.True(gate.TryEnter("e", light, closed.Add, out evict));
        Assert.Null(evict);
    }

    [Fact]
    public void Below_start_everyone_is_admitted_and_at_full_a_known_address_is_refused()
    {
        var gate = new UnauthenticatedConnectionGate(new MaxStartups(50, 30, 100));
        var host = IPAddress.Parse("10.0.0.9");
        for (int i = 0; i < 50; i++)
        {
            Assert.True(gate.TryEnter("c" + i, host, _ => { }, out _));
        }
        int admitted = 50;
        for (int i = 50; i < 1000; i++)
        {
            if (gate.TryEnter("c" + i, host, _ => { }, out _))
            {
                admitted++;
            }
        }
        Assert.Equal(admitted, gate.Count);
        Assert.InRange(admitted, 51, 100); // random early drop between start and full, never past full
    }
}
