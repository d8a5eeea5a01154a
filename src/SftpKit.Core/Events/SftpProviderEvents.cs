namespace SftpKit.Events;

/// <summary>
/// Raises <see cref="SftpEventKind.ProviderChange"/> post-events. Every interface that changes stored objects (admin API,
/// WebAdmin, CLI, a host's own code) calls <see cref="Raise"/> after a successful change, so rules with the provider
/// trigger and every event handler see it, whatever interface made the change.
/// </summary>
public static class SftpProviderEvents
{
    /// <summary>Object type of an account.</summary>
    public const string User = "user";

    /// <summary>Object type of an admin.</summary>
    public const string Admin = "admin";

    /// <summary>Object type of a group.</summary>
    public const string Group = "group";

    /// <summary>Object type of a virtual folder.</summary>
    public const string Folder = "folder";

    /// <summary>Object type of a role.</summary>
    public const string Role = "role";

    /// <summary>Object type of a share.</summary>
    public const string Share = "share";

    /// <summary>Object type of an API key.</summary>
    public const string ApiKey = "api_key";

    /// <summary>Object type of an event rule.</summary>
    public const string EventRule = "event_rule";

    /// <summary>Object type of an event action.</summary>
    public const string EventAction = "event_action";

    /// <summary>Raises the post-event (queued; never waits).</summary>
    /// <param name="dispatcher">The server's dispatcher.</param>
    /// <param name="action"><c>add</c>, <c>update</c> or <c>delete</c>.</param>
    /// <param name="objectType">One of the object type constants.</param>
    /// <param name="objectName">The object's name.</param>
    /// <param name="actor">Who made the change (admin name), when known.</param>
    /// <param name="remoteAddress">The actor's IP address, when known.</param>
    /// <param name="protocol">How the change was made (<see cref="SftpEventProtocol.Http"/> or <see cref="SftpEventProtocol.Server"/>).</param>
    public static void Raise(ISftpEventDispatcher dispatcher, string action, string objectType, string objectName,
        string? actor = null, string? remoteAddress = null, string protocol = SftpEventProtocol.Server)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        ArgumentNullException.ThrowIfNull(objectName);
        dispatcher.RaisePost(new SftpEvent
        {
            Kind = SftpEventKind.ProviderChange,
            Protocol = protocol,
            UserName = actor,
            RemoteAddress = remoteAddress,
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["action"] = action,
                ["object_type"] = objectType,
                ["object_name"] = objectName,
            },
        });
    }
}
