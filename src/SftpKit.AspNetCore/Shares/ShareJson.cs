using System.Text.Json.Nodes;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// A share in the share JSON shape: <c>id</c>, <c>name</c>, <c>description</c>, <c>scope</c> (1 read, 2 write,
/// 3 read-write), <c>paths</c>, <c>username</c>, <c>created_at</c>, <c>updated_at</c>, <c>last_use_at</c>,
/// <c>expires_at</c> (Unix milliseconds, 0 = none), <c>password</c> (<c>[**redacted**]</c> when set: the hash is
/// never sent), <c>max_tokens</c>, <c>used_tokens</c> and <c>allow_from</c>.
/// </summary>
internal static class ShareJson
{
    /// <summary>What <c>password</c> reads when the share has one.</summary>
    public const string RedactedPassword = "[**redacted**]";

    public static JsonObject Write(SftpShare share)
    {
        var json = new JsonObject
        {
            ["id"] = share.Id,
            ["name"] = share.Name,
            ["scope"] = (int)share.Scope,
            ["paths"] = new JsonArray(share.Paths.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["username"] = share.UserName,
            ["created_at"] = share.CreatedAt.ToUnixTimeMilliseconds(),
            ["updated_at"] = share.UpdatedAt.ToUnixTimeMilliseconds(),
            ["last_use_at"] = share.LastUseAt?.ToUnixTimeMilliseconds() ?? 0,
            ["expires_at"] = share.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0,
            ["max_tokens"] = share.MaxTokens,
            ["used_tokens"] = share.UsedTokens,
            ["allow_from"] = new JsonArray(share.AllowFrom.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        };
        if (!string.IsNullOrEmpty(share.Description))
        {
            json["description"] = share.Description;
        }
        if (share.PasswordHash is not null)
        {
            json["password"] = RedactedPassword;
        }
        return json;
    }
}
