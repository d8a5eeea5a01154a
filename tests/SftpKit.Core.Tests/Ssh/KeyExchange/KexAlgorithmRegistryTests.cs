using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class KexAlgorithmRegistryTests
{
    [Fact]
    public void EveryName_CreatesAnAlgorithmOfThatName()
    {
        Assert.Equal(12, KexAlgorithmRegistry.AllNames.Count);
        Assert.Equal(KexAlgorithmRegistry.AllNames.Count, KexAlgorithmRegistry.AllNames.Distinct().Count());
        foreach (string name in KexAlgorithmRegistry.AllNames)
        {
            Assert.True(KexAlgorithmRegistry.TryCreate(name, out var kex), name);
            using (kex)
            {
                Assert.Equal(name, kex.Name);
            }
        }
    }

    [Theory]
    [InlineData("kex-strict-s-v00@openssh.com")]
    [InlineData("kex-strict-c-v00@openssh.com")]
    [InlineData("ext-info-c")]
    [InlineData("ext-info-s")]
    public void Markers_AreNeverCreatable(string marker)
    {
        Assert.True(KexAlgorithmRegistry.IsMarker(marker));
        Assert.DoesNotContain(marker, KexAlgorithmRegistry.AllNames);
        Assert.False(KexAlgorithmRegistry.TryCreate(marker, out var kex));
        Assert.Null(kex);
    }

    [Theory]
    [InlineData("diffie-hellman-group-exchange-sha256")]
    [InlineData("CURVE25519-SHA256")]
    [InlineData("")]
    public void UnknownNames_AreNotCreatable(string name) =>
        Assert.False(KexAlgorithmRegistry.TryCreate(name, out _));

    [Fact]
    public void Markers_HaveTheirWireNames()
    {
        Assert.Equal("kex-strict-s-v00@openssh.com", KexAlgorithmRegistry.StrictKexServerMarker);
        Assert.Equal("kex-strict-c-v00@openssh.com", KexAlgorithmRegistry.StrictKexClientMarker);
        Assert.Equal("ext-info-c", KexAlgorithmRegistry.ExtInfoClientMarker);
        Assert.Equal("ext-info-s", KexAlgorithmRegistry.ExtInfoServerMarker);
    }
}
