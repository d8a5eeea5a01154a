using SftpKit.Admin;

namespace SftpKit.AspNetCore;

/// <summary>
/// The admin permissions of the built-in authentication (<see cref="SftpAdmin.Permissions"/>) and the claims and
/// authorization policies that carry them. A host with its own authentication can use the same policies: call
/// <c>AddSftpAdminAuthorization()</c> and give its principals <see cref="ClaimType"/> claims.
/// </summary>
public static class SftpAdminPermissions
{
    /// <summary>Every permission.</summary>
    public const string All = "*";

    /// <summary>Accounts: list, create, read, update, delete.</summary>
    public const string ManageUsers = "manage_users";

    /// <summary>List live connections.</summary>
    public const string ViewConnections = "view_connections";

    /// <summary>Close live connections.</summary>
    public const string CloseConnections = "close_connections";

    /// <summary>Read, set and rescan quota usage.</summary>
    public const string QuotaScans = "quota_scans";

    /// <summary>Admins and API keys: list, create, update, delete. An admin with it can give itself every other permission.</summary>
    public const string ManageAdmins = "manage_admins";

    /// <summary>List defender scores and bans.</summary>
    public const string ViewDefender = "view_defender";

    /// <summary>Add and remove bans.</summary>
    public const string ManageDefender = "manage_defender";

    /// <summary>Dump and restore (the dump holds password hashes).</summary>
    public const string ManageSystem = "manage_system";

    /// <summary>Virtual folders: list, create, read, update (applied to every account mounting the folder), delete.</summary>
    public const string ManageFolders = "manage_folders";

    /// <summary>Groups: list, create, read, update (applied to the members at their next login), delete.</summary>
    public const string ManageGroups = "manage_groups";

    /// <summary>Start data retention checks (they delete files) and read their results.</summary>
    public const string RetentionChecks = "retention_checks";

    /// <summary>Roles: list, create, update, delete (<c>/roles</c>). Only admins bound to no role may use it.</summary>
    public const string ManageRoles = "manage_roles";

    /// <summary>
    /// Event rules and actions: list, create, update, delete, run on demand, and read run records
    /// (<c>/eventrules</c>, <c>/eventactions</c>, <c>/events/rules</c>). Rules are server-wide, so only admins bound to
    /// no role may use it.
    /// </summary>
    public const string ManageEventRules = "manage_event_rules";

    /// <summary>The claim type that carries one permission per claim.</summary>
    public const string ClaimType = "sftpkit:permission";

    /// <summary>
    /// The claim type that carries the role an admin is bound to (<see cref="SftpAdmin.Role"/>); absent = unbound. A
    /// host with its own authentication may issue it to scope its admins the same way.
    /// </summary>
    public const string RoleClaimType = "sftpkit:role";

    /// <summary>The claim type that says how the admin authenticated: <c>token</c> or <c>apikey</c>.</summary>
    public const string AuthenticationMethodClaimType = "sftpkit:auth";

    /// <summary>The authorization policy every admin endpoint without a specific permission requires (any authenticated admin).</summary>
    public const string AuthenticatedPolicy = "SftpKit.Admin";

    /// <summary>Internal marker for endpoints that only need an authenticated admin.</summary>
    internal const string Any = "";

    /// <summary>Every permission name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [All, ManageUsers, ViewConnections, CloseConnections, QuotaScans, ManageAdmins, ViewDefender, ManageDefender, ManageSystem, ManageFolders, RetentionChecks, ManageGroups, ManageRoles, ManageEventRules];

    /// <summary>
    /// Permissions an admin bound to a role cannot hold, because what they reach is not scoped to a role: every
    /// permission (<c>*</c>), roles, dump/restore (the dump holds every account) and event rules (server-wide).
    /// </summary>
    public static IReadOnlyList<string> UnboundOnly { get; } = [All, ManageRoles, ManageSystem, ManageEventRules];

    /// <summary>The authorization policy that requires <paramref name="permission"/>: <c>SftpKit.Admin:manage_users</c>, ….</summary>
    public static string PolicyName(string permission) =>
        string.IsNullOrEmpty(permission) ? AuthenticatedPolicy : AuthenticatedPolicy + ":" + permission;
}
