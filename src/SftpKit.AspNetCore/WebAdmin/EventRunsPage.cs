using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.EventRules;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>eventruns</c>: the most recent run records (at most 100, newest first), filtered by rule and outcome, with each
/// action's outcome and error. Permission <c>manage_event_rules</c> and an admin bound to no role.
/// </summary>
internal static class EventRunsPage
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/eventruns", (Func<HttpContext, Task<IResult>>)ShowAsync)
            .RequireSignIn(user => WebAdminSession.Has(user, SftpAdminPermissions.ManageEventRules) && !AdminRoleScope.IsBound(user));

    private static async Task<IResult> ShowAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var errors = new ValidationErrors();
        var query = EventRunJson.ReadQuery(q["rule"], q["username"], q["status"], null, null, "100", errors);
        var rows = new List<Html>();
        var runs = context.RequestServices.GetService<ISftpEventRunStore>();
        if (errors.IsEmpty && runs is not null)
        {
            await foreach (var run in runs.QueryAsync(query, context.RequestAborted))
            {
                var actions = run.Actions.Select(a => Html.Of($"<li>{a.Name}: {EventRunJson.StatusName(a.Status)}{(a.Error is null ? "" : " (" + a.Error + ")")}</li>"));
                rows.Add(Html.Of($"""
                    <tr data-run="{run.Id}">
                    <td data-label="Started">{WebAdminHtml.Time(run.StartedAt)}</td>
                    <td data-label="Rule">{run.Rule}</td>
                    <td data-label="Event">{run.Event}</td>
                    <td data-label="Account">{run.UserName ?? ""}</td>
                    <td data-label="Path">{run.Path ?? ""}</td>
                    <td data-label="Outcome" class="run-{EventRunJson.StatusName(run.Status)}">{EventRunJson.StatusName(run.Status)}</td>
                    <td data-label="Duration">{(long)run.Duration.TotalMilliseconds} ms</td>
                    <td data-label="Actions"><ul class="plain">{actions}</ul></td>
                    </tr>
                    """));
                if (rows.Count >= query.Limit)
                {
                    break;
                }
            }
        }
        string? done = q["done"].ToString() is { Length: > 0 } d ? $"The rule ran: {d}." : null;
        string status = q["status"].ToString();
        var statusOptions = new[] { ("", "any"), ("ok", "ok"), ("failed", "failed"), ("skipped", "skipped") }
            .Select(s => Html.Of($"<option value=\"{s.Item1}\"{Html.Raw(s.Item1 == status ? " selected" : "")}>{s.Item2}</option>"));
        string self = context.Request.PathBase + WebArea.Of(context).Url("eventruns");
        var body = Html.Of($"""
            <h1>Event rule runs</h1>
            {WebAdminHtml.Notice(done)}
            {WebAdminHtml.Errors(errors)}
            {Html.If(runs is null, Html.Raw("<p class=\"alert error\" role=\"alert\">This server keeps no run records.</p>"))}
            <form method="get" action="{self}" class="toolbar">
            <label for="rule">Rule</label><input type="text" id="rule" name="rule" value="{q["rule"].ToString()}">
            <label for="status">Outcome</label><select id="status" name="status">{statusOptions}</select>
            <button type="submit" class="button secondary">Filter</button>
            </form>
            <div class="table-wrap"><table class="responsive" id="event-runs">
            <thead><tr><th>Started</th><th>Rule</th><th>Event</th><th>Account</th><th>Path</th><th>Outcome</th><th>Duration</th><th>Actions</th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No runs.</p>"))}
            """);
        return WebResults.Page(context, "Event rule runs", body);
    }
}
