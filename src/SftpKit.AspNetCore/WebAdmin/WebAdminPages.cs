using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>The WebAdmin area: its route group, navigation and pages.</summary>
internal static class WebAdminPages
{
    public const string Title = "SftpKit WebAdmin";

    private static readonly (WebNavLink Link, string Permission)[] s_navigation =
    [
        (new WebNavLink("Dashboard", ""), SftpAdminPermissions.Any),
        (new WebNavLink("Profile", "profile"), SftpAdminPermissions.Any),
        (new WebNavLink("Accounts", "accounts"), SftpAdminPermissions.ManageUsers),
        (new WebNavLink("Shares", "shares"), SftpAdminPermissions.ManageUsers),
        (new WebNavLink("Folders", "folders"), SftpAdminPermissions.ManageFolders),
        (new WebNavLink("Groups", "groups"), SftpAdminPermissions.ManageGroups),
        (new WebNavLink("Retention", "retention"), SftpAdminPermissions.RetentionChecks),
        (new WebNavLink("Quota scans", "quotascans"), SftpAdminPermissions.QuotaScans),
        (new WebNavLink("Connections", "connections"), SftpAdminPermissions.ViewConnections),
        (new WebNavLink("Defender", "defender"), SftpAdminPermissions.ViewDefender),
        (new WebNavLink("Admins", "admins"), SftpAdminPermissions.ManageAdmins),
        (new WebNavLink("API keys", "apikeys"), SftpAdminPermissions.ManageAdmins),
        (new WebNavLink("Roles", "roles"), SftpAdminPermissions.ManageRoles),
        (new WebNavLink("Event actions", "eventactions"), SftpAdminPermissions.ManageEventRules),
        (new WebNavLink("Event rules", "eventrules"), SftpAdminPermissions.ManageEventRules),
        (new WebNavLink("Rule runs", "eventruns"), SftpAdminPermissions.ManageEventRules),
        (new WebNavLink("Backup", "backup"), SftpAdminPermissions.ManageSystem),
    ];

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var area = new WebArea(WebArea.NormalizePrefix(prefix), WebAdminSession.Scheme, Title, Navigation);
        var limits = endpoints.ServiceProvider.GetRequiredService<IOptions<SftpAdminOptions>>().Value;
        var group = endpoints.MapGroup(area.Prefix);
        group.ExcludeFromDescription();
        group.WithMetadata(new SftpAdminRequestSizeLimit(limits.MaxRequestBodySize));
        WebPipeline.Apply(group, area);
        WebAdminSignIn.Map(group);
        WebAdminSetup.Map(group);
        DashboardPage.Map(group);
        AccountsPages.Map(group);
        Shares.Pages.AdminSharesPage.Map(group);
        FoldersPages.Map(group);
        GroupsPages.Map(group);
        RetentionPage.Map(group);
        QuotaScansPage.Map(group);
        ConnectionsPage.Map(group);
        DefenderPage.Map(group);
        AdminsPages.Map(group);
        ApiKeysPage.Map(group);
        RolesPages.Map(group);
        EventActionsPages.Map(group);
        EventRulesPages.Map(group);
        EventRunsPage.Map(group);
        BackupPage.Map(group);
        ProfilePage.Map(group);
        return group;
    }

    /// <summary>The endpoint needs a signed-in admin holding <paramref name="permission"/> (empty: any admin), as the API's endpoint does.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireSignIn(user => WebAdminSession.Has(user, permission));

    private static List<WebNavLink> Navigation(HttpContext context) =>
        s_navigation.Where(n => WebAdminSession.Has(context.User, n.Permission)
            && !(n.Permission is SftpAdminPermissions.ManageRoles or SftpAdminPermissions.ManageSystem or SftpAdminPermissions.ManageEventRules && Authentication.AdminRoleScope.IsBound(context.User)))
            .Select(n => n.Link).ToList();
}
