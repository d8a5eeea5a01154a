using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.Tests.Events.Rules;

public class EventRuleMatchingTests
{
    [Theory]
    [InlineData("/in/*.csv", "/in/a.csv", true)]
    [InlineData("/in/*.csv", "/in/sub/a.csv", false)]
    [InlineData("/in/**", "/in/sub/deeper/a.csv", true)]
    [InlineData("/in/**/a.csv", "/in/a.csv", true)]
    [InlineData("/in/**/a.csv", "/in/x/y/a.csv", true)]
    [InlineData("/in/?.txt", "/in/a.txt", true)]
    [InlineData("/in/?.txt", "/in/ab.txt", false)]
    [InlineData("/in/[abc].txt", "/in/b.txt", true)]
    [InlineData("/in/[!abc].txt", "/in/b.txt", false)]
    [InlineData("/in/[a-c]*.txt", "/in/cat.txt", true)]
    [InlineData("/In/*", "/in/a", false)]
    [InlineData("**/*.exe", "/deep/x.exe", true)]
    [InlineData("/a(b)+c/$x", "/a(b)+c/$x", true)]
    public void PathGlobs(string pattern, string path, bool expected) => Assert.Equal(expected, EventGlob.IsMatch(pattern, path, path: true));

    [Theory]
    [InlineData("cust_*", "cust_1", true)]
    [InlineData("cust_*", "staff", false)]
    [InlineData("[", "[", false)]
    public void NameGlobs(string pattern, string name, bool expected) => Assert.Equal(expected, EventGlob.IsMatch(pattern, name, path: false));

    [Fact]
    public void InverseMatch_ExcludesAndPlainPatternsInclude()
    {
        SftpEventPattern P(string p, bool inverse = false) => new() { Pattern = p, InverseMatch = inverse };

        Assert.True(EventRuleConditionMatcher.Matches([], ["x"], path: false));
        Assert.False(EventRuleConditionMatcher.Matches([P("internal", inverse: true)], ["internal", "other"], path: false));
        Assert.True(EventRuleConditionMatcher.Matches([P("internal", inverse: true)], ["other"], path: false));
        Assert.True(EventRuleConditionMatcher.Matches([P("internal", inverse: true)], [], path: false));
        Assert.False(EventRuleConditionMatcher.Matches([P("sales*")], [], path: false));
        Assert.True(EventRuleConditionMatcher.Matches([P("a"), P("b")], ["b"], path: false));
        Assert.False(EventRuleConditionMatcher.Matches([P("*"), P("bob", inverse: true)], ["bob"], path: false));
    }

    [Fact]
    public void GroupAndRoleConditions()
    {
        var rule = new SftpEventRule
        {
            Conditions = new()
            {
                GroupNames = [new SftpEventPattern { Pattern = "sales*" }],
                RoleNames = [new SftpEventPattern { Pattern = "eu" }],
            },
        };
        Assert.True(EventRuleConditionMatcher.NeedsAccount(rule));
        Assert.True(EventRuleConditionMatcher.MatchesAccount(rule, new EventAccountInfo(["staff", "sales-eu"], "eu")));
        Assert.False(EventRuleConditionMatcher.MatchesAccount(rule, new EventAccountInfo(["sales-eu"], "us")));
        Assert.False(EventRuleConditionMatcher.MatchesAccount(rule, EventAccountInfo.None));
    }

    [Fact]
    public void Placeholders_FillSftpGoNames()
    {
        var rule = new SftpEventRule { Name = "r1" };
        var e = new SftpEvent
        {
            Kind = SftpEventKind.Rename,
            Protocol = SftpEventProtocol.Sftp,
            UserName = "alice",
            Path = "/in/old name.csv",
            TargetPath = "/archive/2026/new.csv",
            Size = 42,
            Elapsed = TimeSpan.FromMilliseconds(1500),
            Status = SftpEventStatus.Failed,
            Error = "QuotaExceeded",
            RemoteAddress = "[::1]:50022",
            Timestamp = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero),
        };

        var values = EventPlaceholders.Build(rule, "rename", e, "alice", "eu", DateTimeOffset.UnixEpoch, "run-1");
        string text = SftpEventTemplate.Render(
            "{{Name}}|{{Event}}|{{Status}}|{{StatusString}}|{{ErrorString}}|{{VirtualPath}}|{{VirtualDirPath}}|{{ObjectName}}|{{VirtualTargetPath}}"
            + "|{{FileSize}}|{{Elapsed}}|{{Protocol}}|{{IP}}|{{Role}}|{{.RuleName}}|{{DateTime}}|{{Timestamp}}|{{UID}}|{{Unknown}}", values);

        Assert.Equal("alice|rename|3|KO|QuotaExceeded|/in/old name.csv|/in|old name.csv|/archive/2026/new.csv"
            + "|42|1500|SFTP|::1|eu|r1|2026-03-04T05:06:07.000Z|1772600767000000000|run-1|", text);
    }

    [Fact]
    public void Placeholders_OfAProviderChange_NameTheObject()
    {
        var e = new SftpEvent
        {
            Kind = SftpEventKind.ProviderChange,
            Protocol = SftpEventProtocol.Http,
            UserName = "admin",
            RemoteAddress = "10.0.0.1",
            Properties = new Dictionary<string, string> { ["action"] = "update", ["object_type"] = "group", ["object_name"] = "sales" },
        };
        var values = EventPlaceholders.Build(new SftpEventRule { Name = "p" }, "update", e, null, null, DateTimeOffset.UnixEpoch, "x");
        Assert.Equal("sales|group|update|10.0.0.1|1", SftpEventTemplate.Render("{{Name}}|{{ObjectType}}|{{Event}}|{{IP}}|{{Status}}", values));
    }

    [Theory]
    [InlineData(SftpEventKind.Upload, true, "pre-upload")]
    [InlineData(SftpEventKind.Mkdir, true, null)]
    [InlineData(SftpEventKind.SshCommand, false, "ssh_cmd")]
    [InlineData(SftpEventKind.LoginFailed, false, "login-failed")]
    [InlineData(SftpEventKind.Chmod, false, null)]
    [InlineData(SftpEventKind.IpBlocked, false, "ip-blocked")]
    public void Triggers_UseSftpGoEventNames(SftpEventKind kind, bool pre, string? expected)
        => Assert.Equal(expected, EventRuleTriggers.Map(new SftpEvent { Kind = kind, Protocol = "SFTP" }, pre)?.Name);
}
