using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>Event actions and rules in a real browser: an HTTP action with a write-only password and a rule using it.</summary>
public sealed class WebAdminEventRulesTests
{
    [Fact]
    public async Task An_admin_creates_an_action_and_a_rule_through_the_pages()
    {
        await using var server = await WebTestServer.StartAsync();
        var store = server.Services.GetRequiredService<ISftpEventRuleStore>();
        using var browser = Browser.Start(nameof(An_admin_creates_an_action_and_a_rule_through_the_pages));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Find(By.Id("server-status"));

        browser.ClickAndWait(By.LinkText("Event actions"));
        browser.ClickAndWait(By.Id("new-action"));
        browser.Fill(By.Name("name"), "notify");
        browser.Find(By.CssSelector("select[name='type'] option[value='1']")).Click();
        browser.Fill(By.Name("http_endpoint"), "https://hooks.example.com/upload?user={{Name}}");
        browser.Find(By.CssSelector("select[name='http_method'] option[value='PUT']")).Click();
        browser.Fill(By.Name("http_password"), "hook secret");
        browser.Fill(By.Name("http_headers"), "X-Event: {{Event}}");
        browser.Fill(By.Name("http_body"), "{\"path\":\"{{VirtualPath}}\"}");
        browser.Screenshot("new-action");
        browser.ClickAndWait(By.Id("save-action"));
        Assert.True(browser.Exists(By.CssSelector("#event-actions tr[data-action='notify']")));
        var action = (await store.FindActionAsync("notify", CancellationToken.None))!;
        Assert.Equal(("PUT", "hook secret", "X-Event"), (action.Options.Http!.Method, action.Options.Http.Password, action.Options.Http.Headers.Single().Key));

        // The stored password is shown redacted and kept on save.
        browser.ClickAndWait(By.LinkText("notify"));
        Assert.Equal("[**redacted**]", browser.Find(By.Name("http_password")).GetAttribute("value"));
        Assert.DoesNotContain("hook secret", browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Fill(By.Name("description"), "Upload hook");
        browser.ClickAndWait(By.Id("save-action"));
        action = (await store.FindActionAsync("notify", CancellationToken.None))!;
        Assert.Equal(("Upload hook", "hook secret"), (action.Description, action.Options.Http!.Password));

        // An invalid action is refused with the field named.
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/eventactions/new"));
        browser.Fill(By.Name("name"), "broken");
        browser.Find(By.CssSelector("select[name='type'] option[value='3']")).Click();
        browser.ClickAndWait(By.Id("save-action"));
        Assert.Contains("options.email_config.recipients", browser.Find(By.Id("form-errors")).Text, StringComparison.Ordinal);

        browser.ClickAndWait(By.LinkText("Event rules"));
        browser.ClickAndWait(By.Id("new-rule"));
        browser.Fill(By.Name("name"), "on-upload");
        browser.Find(By.CssSelector("select[name='trigger'] option[value='1']")).Click();
        browser.Find(By.CssSelector("input[name='fs_events'][value='upload']")).Click();
        browser.Fill(By.Name("fs_paths"), "/in/*.csv\n!/in/tmp*");
        browser.Find(By.CssSelector("input[name='protocols'][value='SFTP']")).Click();
        browser.Find(By.CssSelector("select[name='action_name_0'] option[value='notify']")).Click();
        browser.Find(By.Id("action_stop_0")).Click();
        browser.Screenshot("new-rule");
        browser.ClickAndWait(By.Id("save-rule"));
        Assert.True(browser.Exists(By.CssSelector("#event-rules tr[data-rule='on-upload']")));
        var rule = (await store.FindRuleAsync("on-upload", CancellationToken.None))!;
        Assert.Equal(SftpEventTrigger.FileSystem, rule.Trigger);
        Assert.Equal(["upload"], rule.Conditions.FsEvents);
        Assert.Equal([("/in/*.csv", false), ("/in/tmp*", true)], rule.Conditions.FsPaths.Select(p => (p.Pattern, p.InverseMatch)));
        Assert.Equal(("notify", true), (rule.Actions.Single().Name, rule.Actions.Single().StopOnFailure));

        // An on-demand rule gets a "Run now" button; an action a rule uses cannot be deleted.
        browser.ClickAndWait(By.Id("new-rule"));
        browser.Fill(By.Name("name"), "manual");
        browser.Find(By.CssSelector("select[name='trigger'] option[value='6']")).Click();
        browser.Find(By.CssSelector("select[name='action_name_0'] option[value='notify']")).Click();
        browser.ClickAndWait(By.Id("save-rule"));
        Assert.True(browser.Exists(By.CssSelector("#event-rules tr[data-rule='manual'] button")));
        Assert.Contains("Run now", browser.Find(By.CssSelector("#event-rules tr[data-rule='manual']")).Text, StringComparison.Ordinal);
        browser.Screenshot("rules");
        browser.ClickAndWait(By.LinkText("Event actions"));
        Assert.False(browser.Exists(By.CssSelector("#event-actions tr[data-action='notify'] button")));
        browser.ClickAndWait(By.LinkText("Rule runs"));
        Assert.True(browser.Exists(By.Id("event-runs")));
    }
}
