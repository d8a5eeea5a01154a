using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using SftpKit.Admin;
using SftpKit.Networking;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>The checks every way of acting as an admin goes through, and the principal it becomes.</summary>
internal static class AdminAccess
{
    public const int MaxApiKeyLength = 1024;

    /// <summary>The admin when it exists, is enabled and <paramref name="remote"/> is inside its allowed networks; else null and why.</summary>
    public static async ValueTask<(SftpAdmin? Admin, string Reason)> CheckAsync(ISftpAdminStore store, string name, IPAddress? remote, CancellationToken cancellationToken)
    {
        var admin = await store.FindAsync(name, cancellationToken);
        if (admin is null)
        {
            return (null, "unknown admin");
        }
        if (!admin.Enabled)
        {
            return (null, "admin disabled");
        }
        if (!IsAllowedFrom(admin, remote))
        {
            return (null, "source address not allowed for this admin");
        }
        return (admin, "");
    }

    /// <summary>
    /// True when the admin lists no networks or <paramref name="remote"/> is inside one. A list with an unreadable
    /// entry (the admin API saves none; a store edited by hand might hold one) admits nobody, rather than the list
    /// minus that entry.
    /// </summary>
    private static bool IsAllowedFrom(SftpAdmin admin, IPAddress? remote)
    {
        if (admin.AllowedNetworks.Count == 0)
        {
            return true;
        }
        return remote is not null && SftpNetworkList.TryParse(admin.AllowedNetworks, out var networks) && networks.Contains(remote);
    }

    public static ClaimsPrincipal Principal(SftpAdmin admin, string method, string? apiKeyId)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, admin.UserName),
            new(ClaimTypes.NameIdentifier, admin.UserName),
            new(SftpAdminPermissions.AuthenticationMethodClaimType, method),
        };
        claims.AddRange(admin.Permissions.Distinct(StringComparer.Ordinal).Select(p => new Claim(SftpAdminPermissions.ClaimType, p)));
        if (admin.Role is { Length: > 0 } role)
        {
            claims.Add(new Claim(SftpAdminPermissions.RoleClaimType, role));
        }
        if (apiKeyId is not null)
        {
            claims.Add(new Claim("sftpkit:apikey", apiKeyId));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SftpAdminAuthenticationOptions.SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Lower-case hex SHA-256 of an API key's secret part.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool SecretMatches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(secret)), Encoding.ASCII.GetBytes(storedHash ?? ""));

    /// <summary>A new key: 12 random bytes of id and 32 of secret, base64url (no dots, so <c>ID.SECRET.admin</c> splits cleanly).</summary>
    public static (string Id, string Secret) NewKey() =>
        (System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)), System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
}

/// <summary>Endpoint metadata: API keys are refused here (only a token from <c>POST /token</c> works).</summary>
internal sealed class SftpAdminTokenOnlyMetadata
{
    public static readonly SftpAdminTokenOnlyMetadata Instance = new();
}
