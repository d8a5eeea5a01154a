using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Retention;
using SftpKit.AspNetCore.Validation;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary><c>/retention</c>: start data retention checks in the background and read their results.</summary>
internal static class RetentionEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var retention = group.MapGroup("/retention").WithTags("Data retention");
        secure(retention.MapPost("/users/{userName}/check", StartAsync).WithName("StartRetentionCheck")
            .WithSummary("Starts a background check that deletes the account's files older than their directory's policy: "
                + "[{\"path\":\"/folder1\",\"retention\":72}] (hours; 0 keeps; the deepest path wins). Poll the check's status.")
            .Produces<SftpRetentionCheckStatus>(StatusCodes.Status202Accepted).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests), SftpAdminPermissions.RetentionChecks);
        secure(retention.MapGet("/users/{userName}/check", GetAsync).WithName("GetRetentionCheck").WithSummary("The status and result of the account's last check.")
            .Produces<SftpRetentionCheckStatus>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.RetentionChecks);
        secure(retention.MapGet("/checks", ListAsync).WithName("ListRetentionChecks")
            .WithSummary("Running checks and the most recent finished ones.").Produces<SftpRetentionCheckStatus[]>(), SftpAdminPermissions.RetentionChecks);
    }

    private static async Task<IResult> StartAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services,
        RetentionCheckQueue checks, AdminServices admin)
    {
        if (services.GetService(typeof(SftpRetentionCheck)) is null)
        {
            return AdminRequest.Unavailable("retention service (register an account store)");
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        var policies = ReadPolicies(node, errors);
        if (policies is null || !errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        if (!AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            return AdminRequest.NotFound("account");
        }
        switch (checks.TryStart(userName, policies, AdminRequest.Actor(context), out var status))
        {
            case JobStart.AlreadyRunning:
                return AdminRequest.Conflict("A retention check of this account is running.");
            case JobStart.Busy:
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many checks",
                    detail: "The maximum number of concurrent retention checks is running; try again later.");
            default:
                return Results.Json(status, AdminJson.Options, statusCode: StatusCodes.Status202Accepted).WithLocation(context, "check");
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore store, RetentionCheckQueue checks)
        => Results.Json(await VisibleChecksAsync(context, store, checks), AdminJson.Options);

    /// <summary>The checks the acting admin may see: all when unbound, else those of accounts of its role (API and WebAdmin).</summary>
    internal static async Task<IReadOnlyList<SftpRetentionCheckStatus>> VisibleChecksAsync(HttpContext context, ISftpUserStore store, RetentionCheckQueue checks)
    {
        var list = checks.List();
        if (!AdminRoleScope.IsBound(context.User))
        {
            return list;
        }
        var visible = new List<SftpRetentionCheckStatus>();
        foreach (var status in list)
        {
            if (AdminRoleScope.Sees(context.User, await store.FindAsync(status.UserName, context.RequestAborted)))
            {
                visible.Add(status);
            }
        }
        return visible;
    }

    private static async Task<IResult> GetAsync(string userName, HttpContext context, ISftpUserStore store, RetentionCheckQueue checks) =>
        checks.Get(userName) is { } status && (!AdminRoleScope.IsBound(context.User) || AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
            ? Results.Json(status, AdminJson.Options)
            : AdminRequest.NotFound("retention check");

    /// <summary>The body: a JSON array of <c>{"path","retention"}</c> objects, both members required.</summary>
    internal static List<SftpRetentionPolicy>? ReadPolicies(JsonNode? node, ValidationErrors errors)
    {
        if (node is not JsonArray array)
        {
            errors.Add("body", "The body must be a JSON array of policies: [{\"path\":\"/folder1\",\"retention\":72}].");
            return null;
        }
        var policies = new List<SftpRetentionPolicy>();
        for (int i = 0; i < array.Count; i++)
        {
            string field = $"[{i}]";
            if (array[i] is not JsonObject obj)
            {
                errors.Add(field, "A policy must be a JSON object.");
                continue;
            }
            foreach (var (name, _) in obj)
            {
                if (name is not ("path" or "retention"))
                {
                    errors.Add($"{field}.{name}", "Unknown field.");
                }
            }
            foreach (string required in (string[])["path", "retention"])
            {
                if (!obj.TryGetPropertyValue(required, out var value) || value is null)
                {
                    errors.Add($"{field}.{required}", "Is required.");
                }
            }
            if (errors.Count > 0)
            {
                continue;
            }
            try
            {
                if (obj.Deserialize<SftpRetentionPolicy>(AdminJson.Options) is { } policy)
                {
                    policies.Add(policy);
                }
            }
            catch (JsonException ex)
            {
                errors.Add(AdminJson.FieldFromPath(ex.Path, field), "Wrong type or unknown field.");
            }
        }
        if (!errors.IsEmpty)
        {
            return null;
        }
        foreach (var (index, member, message) in SftpRetentionCheck.Validate(policies))
        {
            errors.Add(index < 0 ? "body" : member.Length == 0 ? $"[{index}]" : $"[{index}].{member}", message);
        }
        return policies;
    }
}
