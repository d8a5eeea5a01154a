using SftpKit.Commands;

namespace SftpKit.Tests.Commands;

public class ShellWordsTests
{
    [Theory]
    [InlineData("md5sum a b", "md5sum|a|b")]
    [InlineData("md5sum  'a b'  \"c d\"", "md5sum|a b|c d")]
    [InlineData("md5sum a\\ b", "md5sum|a b")]
    [InlineData("md5sum \"a\\\"b\\\\c\"", "md5sum|a\"b\\c")]
    [InlineData("md5sum 'it'\\''s'", "md5sum|it's")]
    [InlineData("echo ${ShellId}%ComSpec%", "echo|%ComSpec%")]
    [InlineData("md5sum *.txt", "md5sum|*.txt")]
    [InlineData("md5sum ''", "md5sum|")]
    public void Splits_LikeAShell(string line, string expected)
    {
        Assert.True(ShellWords.TryParse(line, out var commands, out string? error), error);
        Assert.Single(commands);
        Assert.Equal(expected, string.Join('|', commands[0]));
    }

    [Fact]
    public void Splits_AndAndLists()
    {
        Assert.True(ShellWords.TryParse("cd /x && pwd", out var commands, out _));
        Assert.Equal(2, commands.Count);
        Assert.Equal(["cd", "/x"], commands[0]);
        Assert.Equal(["pwd"], commands[1]);
    }

    [Theory]
    [InlineData("md5sum a | sh")]
    [InlineData("md5sum a; rm -rf /")]
    [InlineData("md5sum a & b")]
    [InlineData("md5sum a > b")]
    [InlineData("md5sum < a")]
    [InlineData("md5sum $(id)")]
    [InlineData("md5sum \"$(id)\"")]
    [InlineData("md5sum `id`")]
    [InlineData("md5sum 'open")]
    [InlineData("md5sum \"open")]
    [InlineData("md5sum a\nid")]
    [InlineData("md5sum a &&")]
    [InlineData("&& pwd")]
    [InlineData("md5sum $1")]
    [InlineData("")]
    public void Refuses_WhatNeedsAShell(string line)
    {
        Assert.False(ShellWords.TryParse(line, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
