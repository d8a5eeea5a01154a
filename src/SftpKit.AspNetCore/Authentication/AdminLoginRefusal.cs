using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// Why a login attempt was turned away before its credentials were checked, and the answer it gets: 429 with
/// <c>Retry-After</c> past the rate limit, 403 for a banned or block-listed address, 503 when the defender did not
/// answer. The texts are generic; the details go to the log. Also set as a request feature by the authentication
/// handler so its challenge answers with this instead of 401.
/// </summary>
internal sealed class AdminLoginRefusal : IResult
{
    private AdminLoginRefusal(int statusCode, string title, string detail, TimeSpan? retryAfter)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public static AdminLoginRefusal Banned { get; } =
        new(StatusCodes.Status403Forbidden, "Forbidden", "Logins from this address are refused.", null);

    public static AdminLoginRefusal Unavailable { get; } =
        new(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "Authentication is temporarily unavailable; try again later.", null);

    public int StatusCode { get; }

    public string Title { get; }

    public string Detail { get; }

    /// <summary>When to try again; sent as whole seconds, rounded up.</summary>
    public TimeSpan? RetryAfter { get; }

    public static AdminLoginRefusal RateLimited(TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "Too Many Requests", "Too many login attempts; try again later.", retryAfter);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (RetryAfter is { } after)
        {
            long seconds = Math.Max(1, (long)Math.Ceiling(after.TotalSeconds));
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return Results.Problem(statusCode: StatusCode, title: Title, detail: Detail).ExecuteAsync(httpContext);
    }
}
