using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>
/// The WebAdmin's event pages without a browser: "Run now" through the engine (a test double until the engine is
/// merged) and the runs page, and provider events raised by changes made through the pages.
/// </summary>
public sealed class WebAdminEventRunsTests
{
    private static string Admin(string page) => WebTestServer.AdminPath + "/" + page;

    [Fact]
    public async Task Run_now_shows_the_run_with_its_action_errors_and_page_changes_raise_provider_events()
    {
        var runs = new RunStoreDouble();
        var engine = new EngineDouble(runs);
        using var events = new ProviderEventCollector();
        await using var server = await AdminTestServer.StartAsync(
            services: s =>
            {
                s.AddSftpWebAdmin();
                s.AddSingleton<ISftpEventRuleEngine>(engine);
                s.AddSingleton<ISftpEventRunStore>(runs);
                s.AddSingleton<ISftpEventHandler>(events);
            },
            endpoints: app => app.MapSftpWebAdmin(WebTestServer.AdminPath));
        using var web = new WebFormClient(server.BaseAddress);
        using (var signIn = await web.PostFormAsync(Admin("login"), Admin("login"),
            new Dictionary<string, string> { ["username"] = "root", ["password"] = AdminTestServer.AdminPassword }))
        {
            Assert.True(signIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, "sign-in answered " + signIn.StatusCode);
        }

        using (var created = await web.PostFormAsync(Admin("eventactions/new"), Admin("eventactions/new"), new Dictionary<string, string>
        {
            ["name"] = "notify", ["type"] = "2", ["cmd"] = "/usr/bin/true", ["cmd_args"] = "{{Name}}\n{{Event}}", ["cmd_env_vars"] = "RULE={{Name}}", ["cmd_timeout"] = "5",
        }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        }
        var action = (await server.Services.GetRequiredService<ISftpEventRuleStore>().FindActionAsync("notify", CancellationToken.None))!;
        Assert.Equal(("/usr/bin/true", 2, "RULE"), (action.Options.Command!.Command, action.Options.Command.Arguments.Count, action.Options.Command.EnvironmentVariables[0].Key));
        var added = await events.WaitAsync(e => e.Properties["object_type"] == SftpProviderEvents.EventAction);
        Assert.Equal(("add", "notify", "root", SftpEventProtocol.Http), (added.Properties["action"], added.Properties["object_name"], added.UserName, added.Protocol));

        using (var created = await web.PostFormAsync(Admin("eventrules/new"), Admin("eventrules/new"), new Dictionary<string, string>
        {
            ["name"] = "manual", ["trigger"] = "6", ["active"] = "on", ["action_name_0"] = "notify", ["action_order_0"] = "1",
        }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        }
        Assert.Equal(2, engine.Invalidations);

        using (var run = await web.PostFormAsync(Admin("eventrules"), Admin("eventrules/manual/run"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, run.StatusCode);
            Assert.Contains("eventruns?rule=manual", run.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        string page = await web.Http.GetStringAsync(Admin("eventruns?rule=manual"));
        Assert.Contains("notify: failed (endpoint unreachable)", page, StringComparison.Ordinal);

        using (var role = await web.PostFormAsync(Admin("roles/new"), Admin("roles/new"), new Dictionary<string, string> { ["name"] = "finance" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, role.StatusCode);
        }
        await events.WaitAsync(e => e.Properties["object_type"] == SftpProviderEvents.Role && e.Properties["object_name"] == "finance");
    }
}
