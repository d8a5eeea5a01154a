using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// What an admin bound to a role (claim <see cref="SftpAdminPermissions.RoleClaimType"/>) may reach: accounts of its
/// role only, admins of its role only, and no permission it lacks. An admin without the claim is unbound and reaches
/// everything its permissions allow. Every account-centric endpoint and page asks here.
/// </summary>
internal static class AdminRoleScope
{
    /// <summary>The role the acting admin is bound to, or null.</summary>
    public static string? RoleOf(ClaimsPrincipal user) =>
        user.FindFirst(SftpAdminPermissions.RoleClaimType)?.Value is { Length: > 0 } role ? role : null;

    /// <summary>True when the acting admin is bound to a role.</summary>
    public static bool IsBound(ClaimsPrincipal user) => RoleOf(user) is not null;

    /// <summary>True when the acting admin may see and manage <paramref name="account"/>.</summary>
    public static bool Sees(ClaimsPrincipal user, [NotNullWhen(true)] SftpAccount? account) =>
        account is not null && Sees(user, account.Role);

    /// <summary>True when the acting admin may see and manage what belongs to <paramref name="role"/> (null = no role).</summary>
    public static bool Sees(ClaimsPrincipal user, string? role) =>
        RoleOf(user) is not { } mine || string.Equals(mine, role, StringComparison.Ordinal);

    /// <summary>True when the acting admin may see and manage <paramref name="admin"/>.</summary>
    public static bool Sees(ClaimsPrincipal user, [NotNullWhen(true)] SftpAdmin? admin) => admin is not null && Sees(user, admin.Role);

    /// <summary>
    /// True when the acting admin may see what belongs to the account named <paramref name="userName"/> (its shares,
    /// connections, scans): always when unbound; when bound, only if the account exists and has the admin's role.
    /// </summary>
    public static async ValueTask<bool> SeesAccountAsync(HttpContext context, string? userName)
    {
        if (!IsBound(context.User))
        {
            return true;
        }
        if (userName is null || context.RequestServices.GetService<ISftpUserStore>() is not { } users)
        {
            return false;
        }
        return Sees(context.User, await users.FindAsync(userName, context.RequestAborted));
    }

    /// <summary>True when the acting admin holds <paramref name="permission"/> (or <c>*</c>).</summary>
    public static bool Holds(ClaimsPrincipal user, string permission) =>
        user.HasClaim(SftpAdminPermissions.ClaimType, permission) || user.HasClaim(SftpAdminPermissions.ClaimType, SftpAdminPermissions.All);

    /// <summary>The permissions in <paramref name="permissions"/> the acting admin does not hold itself.</summary>
    public static IEnumerable<string> NotHeld(ClaimsPrincipal user, IEnumerable<string> permissions) =>
        permissions.Where(p => p is not null && !Holds(user, p)).Distinct(StringComparer.Ordinal);
}
