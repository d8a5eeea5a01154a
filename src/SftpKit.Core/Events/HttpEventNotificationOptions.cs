namespace SftpKit.Events;

/// <summary>
/// An HTTP notification: each event is POSTed as JSON (<c>application/json</c>, snake_case fields, see docs/operations.md,
/// "Events" section) to <see cref="Url"/>. For pre-events (<see cref="SftpEventActionOptions.PreEvents"/>) any answer
/// other than 2xx denies the operation; redirects are not followed. Transport errors and timeouts count as handler
/// failures (<see cref="SftpEventOptions.AllowOnPreEventFailure"/>).
/// </summary>
public sealed class HttpEventNotificationOptions : SftpEventActionOptions
{
    /// <summary>The absolute http or https URL to POST to. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>Extra request headers (e.g. <c>Authorization</c>); never logged. Defaults to none.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Creates the <see cref="HttpClient"/> for one request, e.g.
    /// <c>sp => sp.GetRequiredService&lt;IHttpClientFactory&gt;().CreateClient("sftp-events")</c>; the client is not
    /// disposed by SftpKit. Defaults to null: one client over a shared <see cref="SocketsHttpHandler"/> (connections
    /// recycled every 2 minutes, no redirects, no cookies).
    /// </summary>
    public Func<IServiceProvider, HttpClient>? HttpClientFactory { get; set; }
}
