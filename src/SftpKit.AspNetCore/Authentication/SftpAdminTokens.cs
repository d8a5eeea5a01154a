using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// Issues and checks the admin API's JSON Web Tokens (RFC 7519): compact JWS with HMAC-SHA256 (RFC 7515, alg
/// <c>HS256</c> only), claims <c>iss</c>=<c>sftpkit</c>, <c>aud</c>=<c>sftpkit-admin</c>, <c>sub</c> (admin name),
/// <c>jti</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c>. Tokens are not stored; the admin is looked up on every request.
/// </summary>
internal sealed class SftpAdminTokens
{
    public const int MaxTokenLength = 4096;
    private const string Issuer = "sftpkit";
    private const string Audience = "sftpkit-admin";
    private static readonly byte[] s_header = Base64UrlEncode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;

    public SftpAdminTokens(IOptions<SftpAdminAuthenticationOptions> options, IServiceProvider services)
    {
        var o = options.Value;
        _key = o.SigningKey is { Length: > 0 } passphrase ? SHA256.HashData(Encoding.UTF8.GetBytes(passphrase)) : RandomNumberGenerator.GetBytes(32);
        _lifetime = o.TokenLifetime;
        Clock = o.TimeProvider ?? services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    public TimeProvider Clock { get; }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string admin)
    {
        var now = Clock.GetUtcNow();
        var expires = now + _lifetime;
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = admin,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        });
        byte[] body = Base64UrlEncode(payload);
        byte[] signingInput = [.. s_header, (byte)'.', .. body];
        byte[] signature = Base64UrlEncode(HMACSHA256.HashData(_key, signingInput));
        return (Encoding.ASCII.GetString([.. signingInput, (byte)'.', .. signature]), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The admin name of a valid, unexpired token of ours, else null with the reason (for the log only).</summary>
    public string? Validate(string token, out string reason)
    {
        reason = "malformed token";
        if (token.Length > MaxTokenLength || !Ascii.IsValid(token))
        {
            return null;
        }
        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        byte[]? header = Base64UrlDecode(parts[0]);
        byte[]? payload = Base64UrlDecode(parts[1]);
        byte[]? signature = Base64UrlDecode(parts[2]);
        if (header is null || payload is null || signature is null)
        {
            return null;
        }
        try
        {
            using var h = JsonDocument.Parse(header);
            if (h.RootElement.ValueKind != JsonValueKind.Object
                || !h.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
            {
                reason = "unsupported algorithm";
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        byte[] expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            reason = "bad signature";
            return null;
        }
        try
        {
            using var p = JsonDocument.Parse(payload);
            var root = p.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !IsString(root, "iss", Issuer) || !IsString(root, "aud", Audience)
                || !root.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out long expSeconds)
                || !root.TryGetProperty("nbf", out var nbf) || !nbf.TryGetInt64(out long nbfSeconds))
            {
                reason = "missing or wrong claims";
                return null;
            }
            long now = Clock.GetUtcNow().ToUnixTimeSeconds();
            if (now >= expSeconds || now < nbfSeconds)
            {
                reason = "expired token";
                return null;
            }
            reason = "";
            return sub.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsString(JsonElement root, string name, string value) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == value;

    private static byte[] Base64UrlEncode(ReadOnlySpan<byte> data) => Encoding.ASCII.GetBytes(Base64Url.EncodeToString(data));

    private static byte[]? Base64UrlDecode(string text)
    {
        try
        {
            return Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
