using SftpKit.FileSystem.Objects;

namespace SftpKit.Tests.FileSystem.Objects;

public class ObjectKeyMapTests
{
    [Fact]
    public void Joins_prefix_and_root_and_maps_both_ways()
    {
        var keys = new ObjectKeyMap("/tenants//a/", "users/alice");
        Assert.Equal("tenants/a/users/alice/", keys.Prefix);
        Assert.Equal("tenants/a/users/alice/in/x.csv", keys.File("/in/x.csv"));
        Assert.Equal("tenants/a/users/alice/in/", keys.Directory("/in"));
        Assert.Equal("tenants/a/users/alice/", keys.Directory("/"));
        Assert.Equal("/in/x.csv", keys.PathOf("tenants/a/users/alice/in/x.csv"));
        Assert.Equal("/in", keys.PathOf("tenants/a/users/alice/in/"));
        Assert.Equal("", new ObjectKeyMap(null, " ").Prefix);
        Assert.Equal("/in", ObjectKeyMap.Parent("/in/x.csv"));
        Assert.Equal("/", ObjectKeyMap.Parent("/in"));
        Assert.Equal("x.csv", ObjectKeyMap.Name("/in/x.csv"));
        Assert.Equal("/", ObjectKeyMap.Name("/"));
    }

    [Theory]
    [InlineData("a/../b", null)]
    [InlineData("a", "./b")]
    public void Refuses_dot_segments(string prefix, string? root)
        => Assert.Throws<ArgumentException>(() => new ObjectKeyMap(prefix, root));

    [Fact]
    public void Pool_reuses_buffers_of_the_exact_size_and_keeps_a_bounded_number()
    {
        var pool = new ObjectPartBufferPool();
        var first = pool.Rent(1000);
        Assert.Equal(1000, first.Length);
        pool.Return(first);
        Assert.Same(first, pool.Rent(1000));
        Assert.NotSame(first, pool.Rent(1000));

        var many = Enumerable.Range(0, ObjectPartBufferPool.MaxIdlePerSize + 4).Select(_ => pool.Rent(64)).ToList();
        many.ForEach(pool.Return);
        var again = Enumerable.Range(0, ObjectPartBufferPool.MaxIdlePerSize + 4).Select(_ => pool.Rent(64)).ToList();
        Assert.Equal(ObjectPartBufferPool.MaxIdlePerSize, again.Count(b => many.Any(m => ReferenceEquals(m, b))));
    }
}
