using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// The account form's group choice: one primary group (a select) and any number of secondary and membership groups
/// (multiple selects), from the groups of the <see cref="ISftpGroupStore"/> plus any the account names already.
/// </summary>
internal static class AccountGroupFields
{
    /// <summary>Most groups offered in the selects (the API takes any).</summary>
    public const int MaxOffered = 1000;

    public static async Task<Html> RenderAsync(HttpContext context, JsonObject account)
    {
        var chosen = Memberships(account);
        var names = new SortedSet<string>(chosen.Select(c => c.Name), StringComparer.Ordinal);
        if (context.RequestServices.GetService<ISftpGroupStore>() is { } store)
        {
            await foreach (var group in store.ListAsync(context.RequestAborted))
            {
                if (names.Count >= MaxOffered)
                {
                    break;
                }
                names.Add(group.Name);
            }
        }
        Html Options(SftpGroupType type) => Html.Join(names.Select(n => Html.Of(
            $"<option value=\"{n}\"{Html.If(chosen.Contains((n, type)), Html.Raw(" selected"))}>{n}</option>")));
        return Html.Of($"""
            <label for="primaryGroup">Primary group</label>
            <select id="primaryGroup" name="primaryGroup"><option value="">(none)</option>{Options(SftpGroupType.Primary)}</select>
            <label for="secondaryGroups">Secondary groups</label>
            <select id="secondaryGroups" name="secondaryGroups" multiple size="4">{Options(SftpGroupType.Secondary)}</select>
            <label for="membershipGroups">Membership groups</label>
            <select id="membershipGroups" name="membershipGroups" multiple size="4">{Options(SftpGroupType.Membership)}</select>
            <p class="hint">The primary group gives home directory, storage and limits the account leaves empty; secondary groups add folders and permissions; membership groups only tag.</p>
            """);
    }

    /// <summary>Puts the chosen groups into the account JSON (the selects are always posted with the form).</summary>
    public static void Apply(IFormCollection form, JsonObject json)
    {
        if (!form.ContainsKey("primaryGroup"))
        {
            return;
        }
        var groups = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? name, SftpGroupType type)
        {
            if (!string.IsNullOrWhiteSpace(name) && seen.Add(name))
            {
                groups.Add(new JsonObject { ["name"] = name, ["type"] = (int)type });
            }
        }
        Add(WebForms.Value(form, "primaryGroup"), SftpGroupType.Primary);
        foreach (string? name in form["secondaryGroups"])
        {
            Add(name, SftpGroupType.Secondary);
        }
        foreach (string? name in form["membershipGroups"])
        {
            Add(name, SftpGroupType.Membership);
        }
        json["groups"] = groups;
    }

    private static HashSet<(string Name, SftpGroupType Type)> Memberships(JsonObject account)
    {
        var set = new HashSet<(string, SftpGroupType)>();
        if (account["groups"] is JsonArray list)
        {
            foreach (var item in list.OfType<JsonObject>())
            {
                if (item["name"] is JsonValue n && n.TryGetValue(out string? name) && name is not null
                    && item["type"] is JsonValue t && t.TryGetValue(out int type))
                {
                    set.Add((name, (SftpGroupType)type));
                }
            }
        }
        return set;
    }
}
