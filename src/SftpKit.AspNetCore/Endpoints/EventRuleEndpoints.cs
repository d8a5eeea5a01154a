using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.EventRules;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/eventactions</c> and <c>/eventrules</c> CRUD (SFTPGo's JSON shapes, see <see cref="EventActionJson"/> and
/// <see cref="EventRuleJson"/>), <c>POST /eventrules/run/{name}</c> (on-demand rules) and <c>GET /events/rules</c> (run
/// records). Needs <see cref="SftpAdminPermissions.ManageEventRules"/> and an admin bound to no role (403 otherwise).
/// Every change reloads the rule engine and raises a provider event.
/// </summary>
internal static class EventRuleEndpoints
{
    private const string Permission = SftpAdminPermissions.ManageEventRules;

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var actions = group.MapGroup("/eventactions").WithTags("Event actions");
        secure(actions.MapGet("/", (Func<HttpContext, Task<IResult>>)ListActionsAsync).WithName("ListEventActions").WithSummary("Every event action in name order, with the rules using it; secrets redacted.")
            .Produces<JsonArray>(), Permission);
        secure(actions.MapPost("/", CreateActionAsync).WithName("CreateEventAction")
            .WithSummary("Creates an event action ({name, description, type, options: {http_config | cmd_config | email_config | retention_config | fs_config | pwd_expiration_config | user_inactivity_config | backup_config}}).")
            .Produces<JsonObject>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), Permission);
        secure(actions.MapGet("/{name}", GetActionAsync).WithName("GetEventAction").WithSummary("One event action; secrets redacted.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), Permission);
        secure(actions.MapPut("/{name}", UpdateActionAsync).WithName("UpdateEventAction")
            .WithSummary("Replaces an event action; a secret sent redacted (or not in clear) keeps the stored one.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), Permission);
        secure(actions.MapDelete("/{name}", DeleteActionAsync).WithName("DeleteEventAction").WithSummary("Deletes an event action; 409 while a rule names it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict), Permission);

        var rules = group.MapGroup("/eventrules").WithTags("Event rules");
        secure(rules.MapGet("/", (Func<HttpContext, Task<IResult>>)ListRulesAsync).WithName("ListEventRules").WithSummary("Every event rule in name order.")
            .Produces<JsonArray>(), Permission);
        secure(rules.MapPost("/", CreateRuleAsync).WithName("CreateEventRule")
            .WithSummary("Creates an event rule ({name, status, description, trigger, conditions: {fs_events | provider_events | schedules | session_events, options}, actions: [{name, order, relation_options}]}).")
            .Produces<JsonObject>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), Permission);
        secure(rules.MapGet("/{name}", GetRuleAsync).WithName("GetEventRule").WithSummary("One event rule.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), Permission);
        secure(rules.MapPut("/{name}", UpdateRuleAsync).WithName("UpdateEventRule").WithSummary("Replaces an event rule (the name cannot change).")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), Permission);
        secure(rules.MapDelete("/{name}", DeleteRuleAsync).WithName("DeleteEventRule").WithSummary("Deletes an event rule.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound), Permission);
        secure(rules.MapPost("/run/{name}", RunRuleAsync).WithName("RunEventRule")
            .WithSummary("Runs an active on-demand rule (trigger 6) now and answers 202 with its run record (id, status, each action's outcome).")
            .Produces<JsonObject>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable), Permission);

        secure(group.MapGet("/events/rules", QueryRunsAsync).WithTags("Event rules").WithName("QueryEventRuleRuns")
            .WithSummary("Run records of event rules, newest first; filters: rule, username, status (ok, failed, skipped), from, to (ISO 8601 or Unix ms), limit (1-1000, default 100).")
            .Produces<JsonArray>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable), Permission);
    }

    /// <summary>403 for an admin bound to a role: rules and actions are server-wide.</summary>
    public static IResult? Unbound(HttpContext context) =>
        AdminRoleScope.IsBound(context.User) ? AdminRequest.Forbidden("Admins bound to a role cannot manage event rules.") : null;

    private static async Task<IResult> ListActionsAsync(HttpContext context)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var store = EventRuleChanges.Store(context);
        var rules = new List<SftpEventRule>();
        await foreach (var rule in store.ListRulesAsync(context.RequestAborted))
        {
            rules.Add(rule);
        }
        var list = new JsonArray();
        await foreach (var action in store.ListActionsAsync(context.RequestAborted))
        {
            list.Add(EventActionJson.Write(action, rules.Where(r => r.Actions.Any(a => a.Name == action.Name)).Select(r => r.Name)));
        }
        return Results.Json(list, AdminJson.Options);
    }

    private static async Task<IResult> GetActionAsync(string name, HttpContext context)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var store = EventRuleChanges.Store(context);
        return await store.FindActionAsync(name, context.RequestAborted) is { } action
            ? Results.Json(EventActionJson.Write(action, await EventRuleChanges.RulesUsingAsync(store, name, context.RequestAborted)), AdminJson.Options)
            : AdminRequest.NotFound("event action");
    }

    private static async Task<IResult> CreateActionAsync(HttpContext context, AdminServices admin) =>
        await SaveActionAsync(context, admin, null);

    private static async Task<IResult> UpdateActionAsync(string name, HttpContext context, AdminServices admin) =>
        await SaveActionAsync(context, admin, name);

    private static async Task<IResult> SaveActionAsync(HttpContext context, AdminServices admin, string? name)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var result = await EventRuleChanges.SaveActionAsync(node, name, context);
        if (result.NotFound)
        {
            return AdminRequest.NotFound("event action");
        }
        if (result.Conflict is not null)
        {
            return AdminRequest.Conflict(result.Conflict);
        }
        if (result.Value is not { } action)
        {
            return AdminRequest.Invalid(result.Errors);
        }
        var rules = await EventRuleChanges.RulesUsingAsync(EventRuleChanges.Store(context), action.Name, context.RequestAborted);
        var json = EventActionJson.Write(action, rules);
        return name is null
            ? Results.Json(json, AdminJson.Options, statusCode: StatusCodes.Status201Created).WithLocation(context, "eventactions/" + Uri.EscapeDataString(action.Name))
            : Results.Json(json, AdminJson.Options);
    }

    private static async Task<IResult> DeleteActionAsync(string name, HttpContext context)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (deleted, conflict) = await EventRuleChanges.DeleteActionAsync(name, context);
        return conflict is not null ? AdminRequest.Conflict(conflict) : deleted ? Results.NoContent() : AdminRequest.NotFound("event action");
    }

    private static async Task<IResult> ListRulesAsync(HttpContext context)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var list = new JsonArray();
        await foreach (var rule in EventRuleChanges.Store(context).ListRulesAsync(context.RequestAborted))
        {
            list.Add(EventRuleJson.Write(rule));
        }
        return Results.Json(list, AdminJson.Options);
    }

    private static async Task<IResult> GetRuleAsync(string name, HttpContext context) =>
        Unbound(context) ?? (await EventRuleChanges.Store(context).FindRuleAsync(name, context.RequestAborted) is { } rule
            ? Results.Json(EventRuleJson.Write(rule), AdminJson.Options)
            : AdminRequest.NotFound("event rule"));

    private static async Task<IResult> CreateRuleAsync(HttpContext context, AdminServices admin) => await SaveRuleAsync(context, admin, null);

    private static async Task<IResult> UpdateRuleAsync(string name, HttpContext context, AdminServices admin) => await SaveRuleAsync(context, admin, name);

    private static async Task<IResult> SaveRuleAsync(HttpContext context, AdminServices admin, string? name)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var result = await EventRuleChanges.SaveRuleAsync(node, name, context);
        if (result.NotFound)
        {
            return AdminRequest.NotFound("event rule");
        }
        if (result.Conflict is not null)
        {
            return AdminRequest.Conflict(result.Conflict);
        }
        if (result.Value is not { } rule)
        {
            return AdminRequest.Invalid(result.Errors);
        }
        var json = EventRuleJson.Write(rule);
        return name is null
            ? Results.Json(json, AdminJson.Options, statusCode: StatusCodes.Status201Created).WithLocation(context, "eventrules/" + Uri.EscapeDataString(rule.Name))
            : Results.Json(json, AdminJson.Options);
    }

    private static async Task<IResult> DeleteRuleAsync(string name, HttpContext context) =>
        Unbound(context) ?? (await EventRuleChanges.DeleteRuleAsync(name, context) ? Results.NoContent() : AdminRequest.NotFound("event rule"));

    private static async Task<IResult> RunRuleAsync(string name, HttpContext context)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (run, status, text) = await EventRuleChanges.RunAsync(name, context);
        return run is not null
            ? Results.Json(EventRunJson.Write(run), AdminJson.Options, statusCode: StatusCodes.Status202Accepted)
            : Results.Problem(statusCode: status, title: status switch { 404 => "Not found", 409 => "Conflict", _ => "Not available" }, detail: text);
    }

    private static async Task<IResult> QueryRunsAsync(HttpContext context, string? rule, string? username, string? status, string? from, string? to, string? limit)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var errors = new ValidationErrors();
        var query = EventRunJson.ReadQuery(rule, username, status, from, to, limit, errors);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        if (context.RequestServices.GetService<ISftpEventRunStore>() is not { } runs)
        {
            return AdminRequest.Unavailable("event run store");
        }
        var list = new JsonArray();
        await foreach (var run in runs.QueryAsync(query, context.RequestAborted))
        {
            list.Add(EventRunJson.Write(run));
            if (list.Count >= query.Limit)
            {
                break;
            }
        }
        return Results.Json(list, AdminJson.Options);
    }
}
