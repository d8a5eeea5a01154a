using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.Networking;

namespace SftpKit.AspNetCore.Shares;

/// <summary>A share a request may use, with its owner's account.</summary>
internal sealed record ShareGrant(SftpShare Share, SftpAccount Owner);

/// <summary>Why a request may not use a share.</summary>
internal enum ShareDenial
{
    /// <summary>Unknown, revoked or expired share, or its owner cannot log in: 404 (all look alike).</summary>
    NotFound,

    /// <summary>The client's address is not in the share's <c>allow_from</c>: 403.</summary>
    AddressRefused,

    /// <summary>The share has a password and the request proved none: 401.</summary>
    PasswordRequired,

    /// <summary>Every token is spent: 403.</summary>
    Exhausted,
}

/// <summary>
/// Decides whether a request may use a share: the share exists and has not expired, its owner may log in, the client
/// is in <c>allow_from</c>, and, for a share with a password, the request carries the share's session cookie (set by
/// <see cref="SignIn"/> after the password form) or HTTP Basic credentials whose password matches. Password
/// attempts go through the admin API's login guard: its per-address rate limit and the server's defender, which
/// scores each wrong password and refuses banned addresses before anything is hashed.
/// </summary>
internal sealed class ShareAccess
{
    /// <summary>How long a share session cookie lasts after the password was given: 1 hour.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);

    private const string CookiePrefix = "sftpkit_share_";

    private readonly ISftpShareStore _store;
    private readonly ShareOwners _owners;
    private readonly IDataProtector _protector;
    private readonly AdminLoginGuard _guard;
    private readonly TimeProvider _time;

    public ShareAccess(ISftpShareStore store, ShareOwners owners, IDataProtectionProvider protection, AdminLoginGuard guard, TimeProvider? time = null)
    {
        _store = store;
        _owners = owners;
        _protector = protection.CreateProtector("SftpKit.Shares.Session");
        _guard = guard;
        _time = time ?? TimeProvider.System;
    }

    public ISftpShareStore Store => _store;

    public ShareOwners Owners => _owners;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The share and owner when the share is usable from this client, with no password checked yet.</summary>
    public async ValueTask<(ShareGrant? Grant, ShareDenial Denial)> FindAsync(HttpContext context, string id)
    {
        if (!SftpShare.IsValidId(id) || await _store.FindAsync(id, context.RequestAborted) is not { } share || share.IsExpired(Now))
        {
            return (null, ShareDenial.NotFound);
        }
        if (await _owners.FindActiveAsync(share.UserName, context.RequestAborted) is not { } owner)
        {
            return (null, ShareDenial.NotFound);
        }
        if (share.AllowFrom.Count > 0)
        {
            var remote = RemoteAddress(context);
            if (remote is null || !SftpNetworkList.TryParse(share.AllowFrom, out var networks) || !networks.Contains(remote))
            {
                return (null, ShareDenial.AddressRefused);
            }
        }
        return (new ShareGrant(share, owner), default);
    }

    /// <summary>
    /// <see cref="FindAsync"/> plus the password: null refusal when the request may go on. A wrong Basic password is
    /// scored like a failed login.
    /// </summary>
    public async ValueTask<(ShareGrant? Grant, ShareDenial? Denial, IResult? Refusal)> AuthorizeAsync(HttpContext context, string id)
    {
        var (grant, denial) = await FindAsync(context, id);
        if (grant is null)
        {
            return (null, denial, null);
        }
        if (grant.Share.PasswordHash is null || HasSession(context, grant.Share))
        {
            return (grant, null, null);
        }
        if (BasicPassword(context) is not { } password)
        {
            return (null, ShareDenial.PasswordRequired, null);
        }
        var refusal = await CheckPasswordAsync(context, grant.Share, password);
        return refusal is null ? (grant, null, null) : (null, ShareDenial.PasswordRequired, refusal);
    }

    /// <summary>
    /// Checks a password for the share through the login guard: null when it matches; a refusal (429 or 403) when
    /// the guard turns the address away; <see cref="Results.Unauthorized"/> when it is wrong (scored in the defender).
    /// </summary>
    public async ValueTask<IResult?> CheckPasswordAsync(HttpContext context, SftpShare share, string password)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (await _guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refused)
        {
            return refused;
        }
        string hash = share.PasswordHash ?? string.Empty;
        // Verified off the request thread: the hash (argon2id) is deliberately slow; the comparison inside is constant-time.
        var verdict = await Task.Run(() => SftpPasswordHasher.Verify(hash, password), CancellationToken.None);
        if (verdict != PasswordVerificationResult.Failed)
        {
            return null;
        }
        await _guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
        return Results.Unauthorized();
    }

    /// <summary>Sets the share's session cookie (HttpOnly, SameSite=Strict, scoped to the share's path) for <see cref="SessionLifetime"/>.</summary>
    public void SignIn(HttpContext context, SftpShare share, string sharePath)
    {
        var expires = Now + SessionLifetime;
        string payload = string.Join('\n', share.Id, expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Fingerprint(share));
        context.Response.Cookies.Append(CookiePrefix + share.Id, _protector.Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = sharePath,
            Expires = expires,
            IsEssential = true,
        });
    }

    /// <summary>Spends a token: false when none is left (or the share went away meanwhile).</summary>
    public ValueTask<bool> UseAsync(SftpShare share, CancellationToken cancellationToken) => _store.TryUseAsync(share.Id, Now, cancellationToken);

    /// <summary>The client's address as the defender and <c>allow_from</c> see it (IPv4-mapped addresses as IPv4).</summary>
    public static IPAddress? RemoteAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : context.Connection.RemoteIpAddress;

    /// <summary>True when the request carries the share's session cookie (valid or not): a browser sent it by itself.</summary>
    public static bool HasSessionCookie(HttpContext context, SftpShare share) => context.Request.Cookies.ContainsKey(CookiePrefix + share.Id);

    private bool HasSession(HttpContext context, SftpShare share)
    {
        if (!context.Request.Cookies.TryGetValue(CookiePrefix + share.Id, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return false;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return false;
        }
        var parts = payload.Split('\n');
        return parts.Length == 3
            && string.Equals(parts[0], share.Id, StringComparison.Ordinal)
            && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out long expires)
            && DateTimeOffset.FromUnixTimeSeconds(expires) > Now
            // A changed or removed password ends the sessions opened with the old one.
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[2]), Encoding.ASCII.GetBytes(Fingerprint(share)));
    }

    private static string Fingerprint(SftpShare share) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(share.PasswordHash ?? string.Empty)).AsSpan(0, 12));

    /// <summary>The password of an <c>Authorization: Basic</c> header (the user name is ignored), or null.</summary>
    private static string? BasicPassword(HttpContext context)
    {
        string? header = context.Request.Headers[HeaderNames.Authorization];
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > 4096)
        {
            return null;
        }
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
