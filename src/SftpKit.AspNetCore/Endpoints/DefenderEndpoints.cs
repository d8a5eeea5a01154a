using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>A host the defender tracks.</summary>
internal sealed record DefenderHostResponse(string Address, int Score, bool Banned, DateTimeOffset? BannedUntil)
{
    public static DefenderHostResponse From(SftpDefenderEntry e) => new(e.Address.ToString(), e.Score, e.IsBanned, e.BannedUntil);
}

/// <summary><c>/defender/hosts</c>: scored and banned hosts; remove (unban) or add a ban.</summary>
internal static class DefenderEndpoints
{
    /// <summary>Longest ban the API sets: 1 year.</summary>
    internal const int MaxBanMinutes = 525_600;

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var hosts = group.MapGroup("/defender/hosts").WithTags("Defender");
        secure(hosts.MapGet("/", ListAsync).WithName("ListDefenderHosts").WithSummary("Hosts with a score or a ban.")
            .Produces<DefenderHostResponse[]>(), SftpAdminPermissions.ViewDefender);
        secure(hosts.MapGet("/{address}", GetAsync).WithName("GetDefenderHost").WithSummary("One host (IPv4 or IPv6 address).")
            .Produces<DefenderHostResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ViewDefender);
        secure(hosts.MapDelete("/{address}", UnbanAsync).WithName("RemoveDefenderHost").WithSummary("Removes the host's ban and score.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageDefender);
        secure(hosts.MapPost("/", BanAsync).WithName("BanDefenderHost")
            .WithSummary("Bans a host: {\"address\":\"192.0.2.7\",\"minutes\":30} (1 to 525600 minutes).")
            .Produces<DefenderHostResponse>().ProducesValidationProblem(), SftpAdminPermissions.ManageDefender);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IServiceProvider services)
    {
        if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
        {
            return AdminRequest.Unavailable("defender");
        }
        var hosts = await defender.GetHostsAsync(context.RequestAborted);
        return Results.Json(hosts.Select(DefenderHostResponse.From).ToList(), AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string address, HttpContext context, IServiceProvider services)
    {
        if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
        {
            return AdminRequest.Unavailable("defender");
        }
        if (!TryParseAddress(address, out var ip))
        {
            return AdminRequest.Invalid("address", "Not an IP address.");
        }
        var entry = await defender.GetHostAsync(ip, context.RequestAborted);
        return entry is null ? AdminRequest.NotFound("host") : Results.Json(DefenderHostResponse.From(entry), AdminJson.Options);
    }

    private static async Task<IResult> UnbanAsync(string address, HttpContext context, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
        {
            return AdminRequest.Unavailable("defender");
        }
        if (!TryParseAddress(address, out var ip))
        {
            return AdminRequest.Invalid("address", "Not an IP address.");
        }
        return await UnbanHostAsync(defender, ip, context, admin) ? Results.NoContent() : AdminRequest.NotFound("host");
    }

    /// <summary>Removes a host's ban and score and logs it (the API and the WebAdmin); false when the host is unknown.</summary>
    internal static async Task<bool> UnbanHostAsync(ISftpDefender defender, IPAddress ip, HttpContext context, AdminServices admin)
    {
        if (!await defender.UnbanAsync(ip, context.RequestAborted))
        {
            return false;
        }
        AdminLog.BanRemoved(admin.Logger, context.User.Identity?.Name, ip);
        return true;
    }

    /// <summary>Bans a host for <paramref name="duration"/> and logs it (the API and the WebAdmin).</summary>
    internal static async Task BanHostAsync(ISftpDefender defender, IPAddress ip, TimeSpan duration, HttpContext context, AdminServices admin)
    {
        await defender.BanAsync(ip, duration, context.RequestAborted);
        AdminLog.BanAdded(admin.Logger, context.User.Identity?.Name, ip, duration);
    }

    private static async Task<IResult> BanAsync(HttpContext context, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
        {
            return AdminRequest.Unavailable("defender");
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        IPAddress? ip = null;
        long minutes = 0;
        if (node is not JsonObject obj)
        {
            errors.Add("body", "The body must be a JSON object.");
        }
        else
        {
            foreach (var (name, value) in obj)
            {
                if (name.Equals("address", StringComparison.OrdinalIgnoreCase))
                {
                    if (value is not JsonValue v || !v.TryGetValue(out string? text) || !TryParseAddress(text, out ip))
                    {
                        errors.Add("address", "Must be an IPv4 or IPv6 address.");
                    }
                }
                else if (name.Equals("minutes", StringComparison.OrdinalIgnoreCase))
                {
                    if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number || !v.TryGetValue(out minutes) || minutes < 1 || minutes > MaxBanMinutes)
                    {
                        errors.Add("minutes", $"Must be an integer from 1 to {MaxBanMinutes}.");
                    }
                }
                else
                {
                    errors.Add(name, "Unknown field.");
                }
            }
            if (!obj.ContainsKey("address") && !errors.Has("address"))
            {
                errors.Add("address", "Is required.");
            }
            if (!obj.ContainsKey("minutes") && !errors.Has("minutes"))
            {
                errors.Add("minutes", "Is required.");
            }
        }
        if (!errors.IsEmpty || ip is null)
        {
            return AdminRequest.Invalid(errors);
        }
        var duration = TimeSpan.FromMinutes(minutes);
        await BanHostAsync(defender, ip, duration, context, admin);
        var entry = await defender.GetHostAsync(ip, context.RequestAborted);
        return Results.Json(entry is null ? new DefenderHostResponse(ip.ToString(), 0, true, null) : DefenderHostResponse.From(entry), AdminJson.Options);
    }

    internal static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        // Only canonical forms: "1" or "0x7f.1" parse as addresses but are not what an admin means.
        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && parsed.ToString() != text)
        {
            return false;
        }
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }
}
