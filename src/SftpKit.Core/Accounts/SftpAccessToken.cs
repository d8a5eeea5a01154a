namespace SftpKit.Accounts;

/// <summary>
/// A personal access token: a random secret an account holder or an admin creates and then gives in place of the
/// password (user name + token) where its <see cref="Scopes"/> allow. Only its SHA-256 hash is kept; the token is
/// shown once, when created. A token stands for the password and the second factor: a login with it is not asked for
/// a one-time code.
/// </summary>
public sealed class SftpAccessToken
{
    /// <summary>Longest name: 255 characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Most tokens one owner may hold: 50.</summary>
    public const int MaxTokensPerOwner = 50;

    /// <summary>The token's id (16 lower-case hex digits), also part of the token itself; unique per server.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Whether the owner is an account or an admin.</summary>
    public SftpCredentialOwnerKind OwnerKind { get; set; }

    /// <summary>The owner's user name.</summary>
    public string OwnerName { get; set; } = string.Empty;

    /// <summary>A name the owner chose (1–<see cref="MaxNameLength"/> characters).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the whole token, lower-case hex. Never the token.</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>Where the token is accepted.</summary>
    public SftpAccessTokenScopes Scopes { get; set; }

    /// <summary>When the token was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the token stops working (UTC); null = never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The last successful use (UTC), written at most once a minute; null before the first.</summary>
    public DateTimeOffset? LastUseAt { get; set; }

    /// <summary>True when <see cref="ExpiresAt"/> is set and not after <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>A copy.</summary>
    public SftpAccessToken Clone() => (SftpAccessToken)MemberwiseClone();
}

/// <summary>Where a personal access token is accepted (written by name in JSON, e.g. <c>"Ssh, Web"</c>).</summary>
[Flags]
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SftpAccessTokenScopes>))]
public enum SftpAccessTokenScopes
{
    /// <summary>Nowhere.</summary>
    None = 0,
    /// <summary>SSH password and keyboard-interactive logins (accounts).</summary>
    Ssh = 1,
    /// <summary>The web sign-in pages: the web client (accounts) and the WebAdmin (admins).</summary>
    Web = 2,
    /// <summary>The admin API's <c>POST /token</c> (admins).</summary>
    Api = 4,
}
