using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Saves and deletes event rules and actions for the admin API and the WebAdmin (one code path): checks the body, stores
/// it, logs, raises the provider event and tells the rule engine (when the host has one) to reload.
/// </summary>
internal static class EventRuleChanges
{
    /// <summary>The outcome of a save: the stored object, or errors, a 404 or a conflict.</summary>
    public sealed record SaveResult<T>(T? Value, ValidationErrors Errors, bool NotFound = false, string? Conflict = null)
        where T : class;

    public static ISftpEventRuleStore Store(HttpContext context) => context.RequestServices.GetRequiredService<ISftpEventRuleStore>();

    /// <summary>Creates (<paramref name="name"/> null) or replaces the action named <paramref name="name"/>.</summary>
    public static async Task<SaveResult<SftpEventAction>> SaveActionAsync(JsonNode? node, string? name, HttpContext context)
    {
        var store = Store(context);
        var errors = new ValidationErrors();
        if (node is not JsonObject)
        {
            // The shape of the body is checked before whether the action exists.
            EventActionJson.Read(node, errors, null);
            return new(null, errors);
        }
        SftpEventAction? existing = null;
        if (name is not null)
        {
            existing = await store.FindActionAsync(name, context.RequestAborted);
            if (existing is null)
            {
                return new(null, errors, NotFound: true);
            }
            if (node is JsonObject obj && obj["name"] is null)
            {
                obj["name"] = name;
            }
        }
        var action = EventActionJson.Read(node, errors, existing);
        if (action is not null && name is not null && action.Name != name)
        {
            errors.Add("name", "The action name cannot be changed: it must match the URL.");
        }
        if (action is null || !errors.IsEmpty)
        {
            return new(null, errors);
        }
        if (name is null)
        {
            try
            {
                await store.CreateActionAsync(action, context.RequestAborted);
            }
            catch (InvalidOperationException)
            {
                return new(null, errors, Conflict: "An event action with this name exists.");
            }
        }
        else if (!await store.UpdateActionAsync(action, context.RequestAborted))
        {
            return new(null, errors, NotFound: true);
        }
        Changed(context, name is null ? ProviderChanges.Add : ProviderChanges.Update, SftpProviderEvents.EventAction, action.Name);
        return new(await store.FindActionAsync(action.Name, context.RequestAborted) ?? action, errors);
    }

    /// <summary>Deletes an action: deleted, or the conflict's text (a rule names it); (false, null) when missing.</summary>
    public static async Task<(bool Deleted, string? Conflict)> DeleteActionAsync(string name, HttpContext context)
    {
        var store = Store(context);
        var users = await RulesUsingAsync(store, name, context.RequestAborted);
        if (users.Count > 0)
        {
            return (false, $"The action is used by the rule(s) {string.Join(", ", users)}; remove it from them first.");
        }
        bool deleted;
        try
        {
            deleted = await store.DeleteActionAsync(name, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return (false, "The action is used by a rule; remove it from the rule first.");
        }
        if (deleted)
        {
            Changed(context, ProviderChanges.Delete, SftpProviderEvents.EventAction, name);
        }
        return (deleted, null);
    }

    /// <summary>Creates (<paramref name="name"/> null) or replaces the rule named <paramref name="name"/>.</summary>
    public static async Task<SaveResult<SftpEventRule>> SaveRuleAsync(JsonNode? node, string? name, HttpContext context)
    {
        var store = Store(context);
        var errors = new ValidationErrors();
        if (node is not JsonObject)
        {
            EventRuleJson.Read(node, errors, new HashSet<string>());
            return new(null, errors);
        }
        if (name is not null)
        {
            if (await store.FindRuleAsync(name, context.RequestAborted) is null)
            {
                return new(null, errors, NotFound: true);
            }
            if (node is JsonObject obj && obj["name"] is null)
            {
                obj["name"] = name;
            }
        }
        var rule = EventRuleJson.Read(node, errors, await ActionNamesAsync(store, context.RequestAborted));
        if (rule is not null && name is not null && rule.Name != name)
        {
            errors.Add("name", "The rule name cannot be changed: it must match the URL.");
        }
        if (rule is null || !errors.IsEmpty)
        {
            return new(null, errors);
        }
        if (name is null)
        {
            try
            {
                await store.CreateRuleAsync(rule, context.RequestAborted);
            }
            catch (InvalidOperationException)
            {
                return new(null, errors, Conflict: "An event rule with this name exists.");
            }
        }
        else if (!await store.UpdateRuleAsync(rule, context.RequestAborted))
        {
            return new(null, errors, NotFound: true);
        }
        Changed(context, name is null ? ProviderChanges.Add : ProviderChanges.Update, SftpProviderEvents.EventRule, rule.Name);
        return new(await store.FindRuleAsync(rule.Name, context.RequestAborted) ?? rule, errors);
    }

    /// <summary>Deletes a rule; false when it does not exist.</summary>
    public static async Task<bool> DeleteRuleAsync(string name, HttpContext context)
    {
        if (!await Store(context).DeleteRuleAsync(name, context.RequestAborted))
        {
            return false;
        }
        Changed(context, ProviderChanges.Delete, SftpProviderEvents.EventRule, name);
        return true;
    }

    /// <summary>
    /// Runs an on-demand rule now through the engine and returns its record; or the HTTP status and text of why not
    /// (503 no engine, 404 no such rule, 409 disabled or not on demand).
    /// </summary>
    public static async Task<(SftpEventRun? Run, int Status, string? Problem)> RunAsync(string name, HttpContext context)
    {
        if (context.RequestServices.GetService<ISftpEventRuleEngine>() is not { } engine)
        {
            return (null, StatusCodes.Status503ServiceUnavailable, "This server has no event rule engine.");
        }
        var rule = await Store(context).FindRuleAsync(name, context.RequestAborted);
        if (rule is null)
        {
            return (null, StatusCodes.Status404NotFound, "The event rule does not exist.");
        }
        if (rule.Trigger != SftpEventTrigger.OnDemand || !rule.Enabled)
        {
            return (null, StatusCodes.Status409Conflict, "Only an active rule with the on-demand trigger can be run.");
        }
        // The run is not tied to the request: a client that gives up does not cancel actions half done.
        var stopping = context.RequestServices.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        SftpEventRun run;
        try
        {
            run = await engine.RunOnDemandAsync(name, stopping);
        }
        catch (KeyNotFoundException)
        {
            return (null, StatusCodes.Status404NotFound, "The event rule does not exist.");
        }
        catch (InvalidOperationException)
        {
            return (null, StatusCodes.Status409Conflict, "Only an active rule with the on-demand trigger can be run.");
        }
        var logger = context.RequestServices.GetRequiredService<AdminServices>().Logger;
        string? actor = AdminRequest.Actor(context);
        string status = run.Status.ToString();
        AdminLog.EventRuleRunRequested(logger, actor, name, status);
        return (run, StatusCodes.Status202Accepted, null);
    }

    /// <summary>Names of the rules that name the action <paramref name="action"/>, in name order.</summary>
    public static async Task<List<string>> RulesUsingAsync(ISftpEventRuleStore store, string action, CancellationToken cancellationToken)
    {
        var list = new List<string>();
        await foreach (var rule in store.ListRulesAsync(cancellationToken))
        {
            if (rule.Actions.Any(a => string.Equals(a.Name, action, StringComparison.Ordinal)))
            {
                list.Add(rule.Name);
            }
        }
        return list;
    }

    public static async Task<HashSet<string>> ActionNamesAsync(ISftpEventRuleStore store, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var action in store.ListActionsAsync(cancellationToken))
        {
            names.Add(action.Name);
        }
        return names;
    }

    private static void Changed(HttpContext context, string change, string objectType, string name)
    {
        context.RequestServices.GetService<ISftpEventRuleEngine>()?.Invalidate();
        var logger = context.RequestServices.GetRequiredService<AdminServices>().Logger;
        string? actor = AdminRequest.Actor(context);
        AdminLog.EventRuleObjectChanged(logger, actor, change, objectType, name);
        ProviderChanges.Raise(context, change, objectType, name);
    }
}
