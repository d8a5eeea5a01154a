using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Admin;
using SftpKit.AspNetCore;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SftpKit admin API.</summary>
public static class SftpAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin REST endpoints under <paramref name="prefix"/> and returns their route group, so the host adds
    /// <c>.RequireAuthorization(...)</c>, rate limiting or CORS the ASP.NET Core way. Requires
    /// <c>services.AddSftpAdmin()</c> (or <c>AddSftpAdminAuthentication()</c>) and an SftpKit server with an account store.
    /// <para>
    /// With <c>AddSftpAdminAuthentication()</c> the group also gets <c>POST /token</c> (with the admin's one-time code
    /// in <c>X-SFTPKIT-OTP</c> or <c>X-SFTPGO-OTP</c> when it has two-factor authentication), <c>/admins</c>,
    /// <c>/apikeys</c>, the admin's own <c>/admin/totp/*</c>, <c>/admin/2fa/recoverycodes</c> and <c>/admin/tokens</c>,
    /// <c>/users/{userName}/tokens</c> and the <c>2fa/disable</c> endpoints, and every endpoint requires the permission of <see cref="SftpAdminPermissions"/> it names
    /// (401 without valid credentials, 403 without the permission). With <c>AddSftpAdminAuthorization()</c> alone
    /// the endpoints require the same policies against the host's own authentication. With neither, the endpoints
    /// are open: the host must protect the group itself.
    /// </para>
    /// <para>
    /// Request bodies are limited on the whole group: <see cref="SftpAdminOptions.MaxRequestBodySize"/> (default
    /// 1 MiB), and <see cref="SftpAdminOptions.MaxRestoreBodySize"/> (default 64 MiB) for <c>POST /loaddata</c>;
    /// larger bodies get 413 problem details.
    /// </para>
    /// <para>
    /// With the built-in authentication, <c>POST /token</c> and API keys are guarded without further calls (no
    /// <c>UseRateLimiter()</c> needed): at most <see cref="SftpAdminOptions.LoginAttemptLimit"/> attempts (default 10)
    /// per <see cref="SftpAdminOptions.LoginAttemptWindow"/> (default 1 minute) per client address, else 429 with
    /// <c>Retry-After</c>; failed logins are scored in the server's <see cref="SftpKit.ISftpDefender"/> like SSH logins, and a
    /// banned address gets 403, before any credential is looked up or hashed. A host's own rate limiter policies on
    /// the returned group apply in addition.
    /// </para>
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The route prefix. Defaults to <c>/api/v2</c>.</param>
    /// <returns>The route group of every admin endpoint.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSftpAdmin</c> was not called.</exception>
    public static RouteGroupBuilder MapSftpAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/api/v2")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        if (services.GetService<AdminServices>() is null)
        {
            throw new InvalidOperationException("Call services.AddSftpAdmin() (or AddSftpAdminAuthentication()) before MapSftpAdmin.");
        }
        bool authorize = services.GetService<SftpAdminAuthorizationMarker>() is not null;
        bool builtInAuth = services.GetService<ISftpAdminStore>() is not null && services.GetService<SftpAdminTokens>() is not null;

        var limits = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SftpAdminOptions>>().Value;
        var group = endpoints.MapGroup(prefix);
        // Every admin endpoint caps its request body (the server refuses larger bodies with 413 before they are
        // buffered): MaxRequestBodySize, or MaxRestoreBodySize for the restore endpoint.
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            bool restore = endpoint.Metadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == BackupEndpoints.RestoreEndpointName);
            endpoint.Metadata.Add(new SftpAdminRequestSizeLimit(restore ? limits.MaxRestoreBodySize : limits.MaxRequestBodySize));
        });
        void Secure(RouteHandlerBuilder builder, string permission)
        {
            builder.WithMetadata(new SftpAdminPermissionMetadata(permission));
            if (authorize)
            {
                builder.RequireAuthorization(SftpAdminPermissions.PolicyName(permission));
                builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
            }
        }

        AccountEndpoints.Map(group, Secure);
        SftpGoUserEndpoints.Map(group, Secure);
        FolderEndpoints.Map(group, Secure);
        GroupEndpoints.Map(group, Secure);
        QuotaEndpoints.Map(group, Secure);
        RetentionEndpoints.Map(group, Secure);
        ConnectionEndpoints.Map(group, Secure);
        DefenderEndpoints.Map(group, Secure);
        BackupEndpoints.Map(group, Secure);
        ShareEndpoints.Map(group, Secure);
        StatusEndpoints.Map(group, Secure);
        RoleEndpoints.Map(group, Secure);
        EventRuleEndpoints.Map(group, Secure);
        if (builtInAuth)
        {
            AdminAccountEndpoints.Map(group, Secure);
            TwoFactorEndpoints.Map(group, Secure);
        }
        return group;
    }
}

/// <summary>The request body limit of an admin endpoint, applied by ASP.NET Core routing (<see cref="IRequestSizeLimitMetadata"/>).</summary>
/// <param name="MaxRequestBodySize">The largest body in bytes.</param>
internal sealed record SftpAdminRequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

/// <summary>
/// Endpoint metadata naming the admin permission an admin endpoint needs (empty = any authenticated admin), for
/// hosts that authorize with their own scheme.
/// </summary>
/// <param name="Permission">One of <see cref="SftpAdminPermissions"/>' names, or empty.</param>
public sealed record SftpAdminPermissionMetadata(string Permission);
