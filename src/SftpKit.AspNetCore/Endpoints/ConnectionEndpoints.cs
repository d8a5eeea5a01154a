using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>A live connection as the API reports it.</summary>
internal sealed record ConnectionResponse(string Id, string? UserName, string? RemoteAddress, int? RemotePort, DateTimeOffset StartedAt,
    DateTimeOffset? AuthenticatedAt, string? ClientVersion, long BytesUploaded, long BytesDownloaded, IReadOnlyList<TransferResponse> ActiveTransfers)
{
    public static ConnectionResponse From(SftpConnection c) => new(
        c.Id, c.UserName, c.RemoteAddress?.ToString(), (c.RemoteEndPoint as IPEndPoint)?.Port, c.StartedAt, c.AuthenticatedAt, c.ClientVersion,
        c.BytesUploaded, c.BytesDownloaded,
        c.ActiveTransfers.Select(t => new TransferResponse(t.Path, t.Direction == SftpTransferDirection.Upload ? "upload" : "download", t.StartedAt, t.Bytes)).ToList());
}

/// <summary>A file transfer in progress.</summary>
internal sealed record TransferResponse(string Path, string Direction, DateTimeOffset StartedAt, long Bytes);

/// <summary><c>/connections</c>: list live connections and close one.</summary>
internal static class ConnectionEndpoints
{
    /// <summary>How long a close waits for the connection to end before answering 202 instead of 204.</summary>
    private static readonly TimeSpan s_closeWait = TimeSpan.FromSeconds(10);

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var connections = group.MapGroup("/connections").WithTags("Connections");
        secure(connections.MapGet("/", async (HttpContext context, IServiceProvider services, string? userName) =>
            services.GetService(typeof(ISftpConnectionRegistry)) is ISftpConnectionRegistry registry
                ? Results.Json((await VisibleAsync(registry.GetConnections().Where(c => userName is null || c.UserName == userName), context))
                    .Select(ConnectionResponse.From).ToList(), AdminJson.Options)
                : AdminRequest.Unavailable("connection registry"))
            .WithName("ListConnections").WithSummary("Live connections, oldest first (optionally of one userName), including unauthenticated ones.")
            .Produces<ConnectionResponse[]>(), SftpAdminPermissions.ViewConnections);
        secure(connections.MapGet("/{connectionId}", async (string connectionId, HttpContext context, IServiceProvider services) =>
            services.GetService(typeof(ISftpConnectionRegistry)) is not ISftpConnectionRegistry registry
                ? AdminRequest.Unavailable("connection registry")
                : registry.Find(connectionId) is { } c && (await VisibleAsync([c], context)).Count == 1
                    ? Results.Json(ConnectionResponse.From(c), AdminJson.Options)
                    : AdminRequest.NotFound("connection"))
            .WithName("GetConnection").WithSummary("One live connection.")
            .Produces<ConnectionResponse>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ViewConnections);
        secure(connections.MapDelete("/{connectionId}", CloseAsync)
            .WithName("CloseConnection").WithSummary("Disconnects a client (SSH_MSG_DISCONNECT by application) and waits up to 10 s for it to end.")
            .Produces(StatusCodes.Status204NoContent).Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound),
            SftpAdminPermissions.CloseConnections);
    }

    private static async Task<IResult> CloseAsync(string connectionId, HttpContext context, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpConnectionRegistry)) is not ISftpConnectionRegistry registry)
        {
            return AdminRequest.Unavailable("connection registry");
        }
        return await CloseConnectionAsync(registry, connectionId, context, admin) switch
        {
            true => Results.NoContent(),
            false => AdminRequest.NotFound("connection"),
            null => Results.Accepted(),
        };
    }

    /// <summary>
    /// The connections the acting admin may see: all for an unbound admin; for one bound to a role, only logged-in
    /// connections of accounts of that role (looked up once per user name).
    /// </summary>
    internal static async Task<List<SftpConnection>> VisibleAsync(IEnumerable<SftpConnection> connections, HttpContext context)
    {
        if (!AdminRoleScope.IsBound(context.User))
        {
            return connections.ToList();
        }
        var users = context.RequestServices.GetService<ISftpUserStore>();
        var seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        var visible = new List<SftpConnection>();
        foreach (var c in connections)
        {
            if (c.UserName is not { } name || users is null)
            {
                continue;
            }
            if (!seen.TryGetValue(name, out bool ok))
            {
                ok = AdminRoleScope.Sees(context.User, await users.FindAsync(name, context.RequestAborted));
                seen[name] = ok;
            }
            if (ok)
            {
                visible.Add(c);
            }
        }
        return visible;
    }

    /// <summary>
    /// Closes a connection and waits up to 10 s for it to end, as <c>DELETE /connections/{id}</c> and the WebAdmin do:
    /// true when it ended, null when it is still closing, false when there is no such connection.
    /// </summary>
    internal static async Task<bool?> CloseConnectionAsync(ISftpConnectionRegistry registry, string connectionId, HttpContext context, AdminServices admin)
    {
        var connection = registry.Find(connectionId);
        if (connection is not null && (await VisibleAsync([connection], context)).Count == 0)
        {
            return false;
        }
        string? userName = connection?.UserName;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(s_closeWait);
        bool found;
        try
        {
            found = await registry.CloseAsync(connectionId, timeout.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Closing goes on; the connection has not ended within the wait.
            AdminLog.ConnectionClosed(admin.Logger, context.User.Identity?.Name, connectionId, userName);
            return null;
        }
        if (!found)
        {
            return false;
        }
        AdminLog.ConnectionClosed(admin.Logger, context.User.Identity?.Name, connectionId, userName);
        return true;
    }
}
