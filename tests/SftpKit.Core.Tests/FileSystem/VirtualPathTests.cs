using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

public sealed class VirtualPathTests
{
    [Theory]
    [InlineData("../../etc/passwd", "/", "/etc/passwd")]
    [InlineData("/../..", "/", "/")]
    [InlineData("a/../../b", "/", "/b")]
    [InlineData("a/../../b", "/home/user", "/home/b")]
    [InlineData("//x//y/", "/", "/x/y")]
    [InlineData("./a/./b", "/", "/a/b")]
    [InlineData("./a/./b", "/d", "/d/a/b")]
    [InlineData("a\\..\\b", "/", "/a\\..\\b")]
    [InlineData("%2e%2e/x", "/", "/%2e%2e/x")]
    [InlineData("..", "/", "/")]
    [InlineData("...", "/", "/...")]
    [InlineData("", "/home", "/home")]
    [InlineData(".", "/home/u", "/home/u")]
    [InlineData("/", "/home/u", "/")]
    [InlineData("../../../../../../..", "/a/b", "/")]
    [InlineData("x/..", "/", "/")]
    [InlineData("..a/b..", "/", "/..a/b..")]
    [InlineData("/a/b", "/x", "/a/b")]
    [InlineData("/a/b/", "/", "/a/b")]
    [InlineData("/a/..", "/", "/")]
    [InlineData("/a/.", "/", "/a")]
    [InlineData("/a/../b", "/", "/b")]
    [InlineData("/.a/b./..c", "/", "/.a/b./..c")]
    public void Normalizes_And_Confines(string input, string current, string expected)
        => Assert.Equal(expected, VirtualPath.Normalize(input, current));

    [Theory]
    [InlineData("a\0b")]
    [InlineData("/etc/passwd\0.txt")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("\u001b[31m")]
    [InlineData("a\u007fb")]
    [InlineData("\t")]
    public void Rejects_Control_Characters(string input)
    {
        var ex = Assert.Throws<VfsException>(() => VirtualPath.Normalize(input));
        Assert.Equal(VfsError.InvalidPath, ex.Error);
    }

    [Fact]
    public void Rejects_Overlong_Paths()
    {
        Assert.Equal(VfsError.InvalidPath, Assert.Throws<VfsException>(() => VirtualPath.Normalize(new string('a', VirtualPath.MaxLength + 1))).Error);
        Assert.StartsWith("/", VirtualPath.Normalize(new string('a', 255)));
    }

    [Fact]
    public void Parent_Name_Combine_And_Within()
    {
        Assert.Equal("/", VirtualPath.GetParent("/a"));
        Assert.Equal("/a", VirtualPath.GetParent("/a/b"));
        Assert.Equal("/", VirtualPath.GetParent("/"));
        Assert.Equal("b", VirtualPath.GetName("/a/b"));
        Assert.Equal("/", VirtualPath.GetName("/"));
        Assert.Equal("/x", VirtualPath.Combine("/", "x"));
        Assert.Equal("/a/x", VirtualPath.Combine("/a", "x"));
        Assert.True(VirtualPath.IsWithin("/a/b", "/a"));
        Assert.True(VirtualPath.IsWithin("/a", "/a"));
        Assert.False(VirtualPath.IsWithin("/ab", "/a"));
        Assert.True(VirtualPath.IsWithin("/anything", "/"));
    }
}
