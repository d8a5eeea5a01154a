using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Retention;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>retention</c>: start a data retention check of an account (one <c>PATH: HOURS</c> line per policy, read and
/// validated by the same code as <c>POST /retention/users/{userName}/check</c>) and list running and recent checks;
/// permission <c>retention_checks</c>.
/// </summary>
internal static class RetentionPage
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/retention", async (HttpContext context, ISftpUserStore store, RetentionCheckQueue checks) =>
                Page(context, await RetentionEndpoints.VisibleChecksAsync(context, store, checks), null, null, null))
            .RequireAdmin(SftpAdminPermissions.RetentionChecks);
        group.MapPost("/retention", StartAsync).RequireAdmin(SftpAdminPermissions.RetentionChecks);
    }

    private static async Task<IResult> StartAsync(HttpContext context, ISftpUserStore store, IServiceProvider services, RetentionCheckQueue checks)
    {
        if (services.GetService(typeof(SftpRetentionCheck)) is null)
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string userName = WebForms.Value(form, "userName") ?? "";
        string policyText = WebForms.Value(form, "policies") ?? "";
        var errors = new ValidationErrors();
        var array = new JsonArray();
        foreach (string line in WebForms.Lines(form, "policies"))
        {
            int colon = line.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int hours))
            {
                errors.Add("policies", $"Write each line as PATH: HOURS (got '{line}').");
                continue;
            }
            array.Add(new JsonObject { ["path"] = line[..colon].Trim(), ["retention"] = hours });
        }
        if (userName.Length == 0)
        {
            errors.Add("userName", "Is required.");
        }
        if (array.Count == 0 && errors.IsEmpty)
        {
            errors.Add("policies", "Give at least one policy.");
        }
        List<SftpRetentionPolicy>? policies = null;
        if (errors.IsEmpty)
        {
            policies = RetentionEndpoints.ReadPolicies(array, errors);
        }
        if (errors.IsEmpty && !Authentication.AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            errors.Add("userName", "There is no such account.");
        }
        if (policies is null || !errors.IsEmpty)
        {
            return Page(context, await RetentionEndpoints.VisibleChecksAsync(context, store, checks), errors, userName, policyText);
        }
        string done = checks.TryStart(userName, policies, AdminRequest.Actor(context), out _) switch
        {
            JobStart.AlreadyRunning => "running",
            JobStart.Busy => "busy",
            _ => "started",
        };
        return WebResults.SeeOther(context, "retention?done=" + done);
    }

    private static IResult Page(HttpContext context, IReadOnlyList<SftpRetentionCheckStatus> checks, ValidationErrors? errors, string? userName, string? policies)
    {
        var area = WebArea.Of(context);
        var rows = checks.Reverse().Select(c => Html.Of($"""
            <tr data-check="{c.UserName}" data-state="{c.State.ToString()}">
            <td data-label="Account">{c.UserName}</td>
            <td data-label="State"><span class="badge{(c.State == SftpRetentionCheckState.Failed ? " off" : c.State == SftpRetentionCheckState.Completed ? " ok" : "")}">{c.State.ToString().ToLowerInvariant()}</span></td>
            <td data-label="Policies">{string.Join(", ", c.Policies.Select(p => p.Path + ": " + p.Retention.ToString(CultureInfo.InvariantCulture) + " h"))}</td>
            <td data-label="Started">{WebAdminHtml.Time(c.StartedAt)}</td>
            <td data-label="Ended">{WebAdminHtml.Time(c.CompletedAt)}</td>
            <td data-label="Deleted">{(c.Result is { } r ? r.DeletedFiles.ToString(CultureInfo.InvariantCulture) + " files, " + WebAdminHtml.Bytes(r.DeletedBytes) + (r.Errors > 0 ? ", " + r.Errors.ToString(CultureInfo.InvariantCulture) + " errors" : "") : c.Error ?? "—")}</td>
            </tr>
            """)).ToList();
        string? done = context.Request.Query["done"].ToString() switch
        {
            "started" => "The retention check started; reload this page to see its result.",
            "running" => "A retention check of this account is already running.",
            "busy" => "Too many retention checks are running; try again later.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Retention checks</h1>
            {WebAdminHtml.Notice(done)}
            <section class="card"><h2>Start a check</h2>
            {WebAdminHtml.Errors(errors)}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("retention"), Html.Of($"""
                <div class="form-grid">
                <div><label for="userName">Account</label><input type="text" id="userName" name="userName" value="{userName ?? ""}" required maxlength="256" autocapitalize="none" spellcheck="false"></div>
                <div><label for="policies">Policies</label><textarea id="policies" name="policies" placeholder="/: 720" required>{policies ?? ""}</textarea>
                <p class="hint">One line per directory: <code>PATH: HOURS</code>, e.g. <code>/uploads: 72</code>; files older than that are deleted. 0 keeps the files (an exempt subdirectory); the deepest path wins.</p></div>
                </div>
                <p><button type="submit" id="start-check" class="button danger">Start the check</button></p>
                """), confirm: "Files older than the policies will be deleted. Start?")}
            </section>
            <h2>Running and recent checks</h2>
            <div class="table-wrap"><table class="responsive" id="checks"><thead><tr><th>Account</th><th>State</th><th>Policies</th><th>Started</th><th>Ended</th><th>Deleted</th></tr></thead><tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No retention checks since the server started.</p>"))}
            """);
        return WebResults.Page(context, "Retention checks", body, errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
