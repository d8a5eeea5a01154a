using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// Raises the provider post-event (<see cref="SftpEventKind.ProviderChange"/>) after a successful change made through
/// the admin API or the WebAdmin (both call the same helpers, which call this), with the acting admin, its address and
/// protocol <see cref="SftpEventProtocol.Http"/>. Does nothing when the host has no <see cref="ISftpEventDispatcher"/>.
/// </summary>
internal static class ProviderChanges
{
    public const string Add = "add";
    public const string Update = "update";
    public const string Delete = "delete";

    public static void Added(HttpContext context, string objectType, string name) => Raise(context, Add, objectType, name);

    public static void Updated(HttpContext context, string objectType, string name) => Raise(context, Update, objectType, name);

    public static void Deleted(HttpContext context, string objectType, string name) => Raise(context, Delete, objectType, name);

    public static void Raise(HttpContext context, string action, string objectType, string name)
    {
        if (context.RequestServices.GetService<ISftpEventDispatcher>() is not { } dispatcher)
        {
            return;
        }
        SftpProviderEvents.Raise(dispatcher, action, objectType, name, AdminRequest.Actor(context),
            context.Connection.RemoteIpAddress?.ToString(), SftpEventProtocol.Http);
    }
}
