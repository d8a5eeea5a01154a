using SftpKit.Admin;

namespace SftpKit.AspNetCore;

/// <summary>
/// Settings of the built-in admin authentication (<c>AddSftpAdminAuthentication</c>). Bound from configuration
/// section <c>SftpKit:Admin:Authentication</c> when an <c>IConfiguration</c> is registered, then from the callback.
/// Checked at start: every problem is reported at once.
/// </summary>
public sealed class SftpAdminAuthenticationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSection = "SftpKit:Admin:Authentication";

    /// <summary>The authentication scheme name.</summary>
    public const string SchemeName = "SftpKitAdmin";

    /// <summary>
    /// Passphrase the JWT signing key (HMAC-SHA256) is derived from (SHA-256 of its UTF-8 bytes); at least 32
    /// characters. Defaults to null: a random 256-bit key per process start, so a restart invalidates every token.
    /// Set it when several instances must accept each other's tokens, and keep it secret.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a token from <c>POST /token</c> is valid. Defaults to 20 minutes. Range 1 minute–24 hours.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// The JSON file of <see cref="JsonFileSftpAdminStore"/>. Defaults to null: admins live in memory
    /// (<see cref="InMemorySftpAdminStore"/>) unless an <see cref="ISftpAdminStore"/> is registered.
    /// </summary>
    public string? StoreFile { get; set; }

    /// <summary>The request header that carries an API key. Defaults to <c>X-SFTPKIT-API-KEY</c>.</summary>
    public string ApiKeyHeaderName { get; set; } = "X-SFTPKIT-API-KEY";

    /// <summary>Longest API key lifetime accepted at creation; null = keys may never expire. Defaults to null.</summary>
    public TimeSpan? MaxApiKeyLifetime { get; set; }

    /// <summary>
    /// Client certificates (TLS) that authenticate as an admin: the certificate's SHA-256 fingerprint (64 hex digits,
    /// no separators; case ignored) mapped to the admin's name (configuration
    /// <c>SftpKit:Admin:Authentication:ClientCertificates:FINGERPRINT=NAME</c>). A request with neither a bearer token
    /// nor an API key that presents a certificate is authenticated as the mapped admin, which must exist, be enabled and
    /// be allowed from the client's address; a certificate not in the map is refused (401, counted like a failed API
    /// key), never treated as anonymous. The fingerprint pins the certificate itself, so its chain is not checked and
    /// a self-signed certificate works; subjects are not accepted, as anyone can put any subject in a certificate. The
    /// host must ask for client certificates (the sample server does when this map is not empty). Defaults to empty:
    /// certificates are ignored.
    /// </summary>
    public IDictionary<string, string> ClientCertificates { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The clock for token and API key expiry. Defaults to the <see cref="System.TimeProvider"/> in DI, else the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
