using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace SftpKit.Accounts;

/// <summary>
/// Second factors and personal access tokens of accounts and admins, over an <see cref="ISftpCredentialStore"/>: what
/// every login surface (SSH, web client, WebAdmin, admin API) asks. One-time codes are RFC 6238 TOTP (SHA-1, 6 digits,
/// 30-second steps), accepted one step either side of the server's clock and each at most once per owner (see
/// <see cref="TotpReplayGuard"/>); recovery codes are <see cref="RecoveryCodeCount"/> random codes of 80 bits, kept as
/// SHA-256 hashes and usable once. Secrets are protected with the registered <see cref="ISftpSecretProtector"/> before
/// they reach the store. Tokens are <c>sftpkit_</c> + a 16-hex-digit id + <c>_</c> + 32 random bytes (base64url),
/// kept as the SHA-256 of the whole token and compared in constant time.
/// </summary>
public sealed class SftpCredentials : IDisposable
{
    /// <summary>Length of a new TOTP secret: 20 bytes (160 bits, RFC 4226's recommendation), 32 base32 characters.</summary>
    public const int SecretBytes = 20;

    /// <summary>Recovery codes in a set: 10.</summary>
    public const int RecoveryCodeCount = SftpTotpConfig.MaxRecoveryCodes;

    /// <summary>What every token starts with.</summary>
    public const string TokenPrefix = "sftpkit_";

    /// <summary>Longest token expiry accepted when creating one: 366 days from now. Null (never) is allowed too.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(366);

    /// <summary>A token's <see cref="SftpAccessToken.LastUseAt"/> is written at most this often: 1 minute.</summary>
    public static readonly TimeSpan TokenUseWriteInterval = TimeSpan.FromMinutes(1);

    private const int Step = 30;
    private const int TokenIdLength = 16;
    private static readonly VerificationWindow s_window = new(previous: 1, future: 1);

    private readonly ISftpSecretProtector? _protector;
    private readonly TimeProvider _time;
    private readonly TotpReplayGuard _replay = new();
    private readonly SemaphoreSlim _recoveryLock = new(1, 1);

    /// <summary>Creates the service over <paramref name="store"/>.</summary>
    /// <param name="store">Where the records live.</param>
    /// <param name="protector">Protects TOTP secrets at rest; null stores them as generated.</param>
    /// <param name="time">The clock for codes and expiry; defaults to the system clock.</param>
    public SftpCredentials(ISftpCredentialStore store, ISftpSecretProtector? protector = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _protector = protector;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Releases the lock that serialises recovery-code use.</summary>
    public void Dispose() => _recoveryLock.Dispose();

    /// <summary>The store.</summary>
    public ISftpCredentialStore Store { get; }

    /// <summary>A new random TOTP secret, base32 without padding.</summary>
    public static string GenerateSecret() => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(SecretBytes)).TrimEnd('=');

    /// <summary>The <c>otpauth://totp/</c> URI authenticator apps read from the QR code.</summary>
    public static string ProvisioningUri(string issuer, string userName, string secret)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(secret);
        string label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(userName);
        return $"otpauth://totp/{label}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period={Step}";
    }

    /// <summary>The owner's second factor, or null.</summary>
    public ValueTask<SftpTotpConfig?> GetTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken = default) =>
        Store.GetTotpAsync(owner, cancellationToken);

    /// <summary>Whether logins of <paramref name="owner"/> over <paramref name="protocol"/> must give a code.</summary>
    public async ValueTask<bool> IsRequiredAsync(SftpCredentialOwner owner, string protocol, CancellationToken cancellationToken = default) =>
        await Store.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is { } config && config.AppliesTo(protocol);

    /// <summary>
    /// Turns the second factor on with <paramref name="secret"/> once <paramref name="code"/> proves the owner's app
    /// holds it; replaces any earlier one. Returns the new recovery codes (shown once), or null when the code is wrong.
    /// </summary>
    /// <exception cref="ArgumentException">The secret is not base32 of at least 16 bytes, or a protocol is unknown.</exception>
    public async ValueTask<IReadOnlyList<string>?> EnableTotpAsync(SftpCredentialOwner owner, string secret, string code, IEnumerable<string> protocols,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        var list = protocols.ToList();
        if (list.Any(p => !SftpTotpProtocols.All.Contains(p.Trim().ToUpperInvariant())))
        {
            throw new ArgumentException("Protocols are SSH and HTTP.", nameof(protocols));
        }
        if (!CheckNewSecret(owner, secret, code))
        {
            return null;
        }
        return await SaveTotpAsync(owner, secret, list, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when <paramref name="code"/> is a current code of the new <paramref name="secret"/> (and then spent for
    /// the owner); for enrolment steps that prove the secret before <see cref="SaveTotpAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The secret is not base32 of at least 16 bytes.</exception>
    public bool CheckNewSecret(SftpCredentialOwner owner, string secret, string code)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(code);
        byte[] key = DecodeSecret(secret) ?? throw new ArgumentException("The secret is not base32 of at least 16 bytes.", nameof(secret));
        return CheckCode(owner, key, code);
    }

    /// <summary>
    /// Stores <paramref name="secret"/> as the owner's enabled second factor with new recovery codes (returned, shown
    /// once), without asking for a code: the caller must have had one proven (<see cref="CheckNewSecret"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The secret is not base32 of at least 16 bytes, or a protocol is unknown.</exception>
    public async ValueTask<IReadOnlyList<string>> SaveTotpAsync(SftpCredentialOwner owner, string secret, IEnumerable<string> protocols,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(protocols);
        var list = protocols.Select(p => p.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (list.Any(p => !SftpTotpProtocols.All.Contains(p)))
        {
            throw new ArgumentException("Protocols are SSH and HTTP.", nameof(protocols));
        }
        _ = DecodeSecret(secret) ?? throw new ArgumentException("The secret is not base32 of at least 16 bytes.", nameof(secret));
        var (codes, hashes) = NewRecoveryCodes();
        string plain = secret.Trim().TrimEnd('=').ToUpperInvariant();
        await Store.SetTotpAsync(new SftpTotpConfig
        {
            OwnerKind = owner.Kind,
            OwnerName = owner.Name,
            Enabled = true,
            Secret = _protector?.Protect(plain) ?? plain,
            Protocols = list,
            RecoveryCodes = hashes,
        }, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    /// <summary>Changes where an account's enabled second factor applies; false when it has none.</summary>
    public async ValueTask<bool> SetProtocolsAsync(SftpCredentialOwner owner, IEnumerable<string> protocols, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        var list = protocols.Select(p => p.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (list.Any(p => !SftpTotpProtocols.All.Contains(p)))
        {
            throw new ArgumentException("Protocols are SSH and HTTP.", nameof(protocols));
        }
        if (await Store.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is not { } config)
        {
            return false;
        }
        config.Protocols = list;
        await Store.SetTotpAsync(config, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the owner's second factor; false when there was none.</summary>
    public ValueTask<bool> DisableTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken = default) =>
        Store.DeleteTotpAsync(owner, cancellationToken);

    /// <summary>Replaces the owner's recovery codes with a new set (returned, shown once); null when there is no second factor.</summary>
    public async ValueTask<IReadOnlyList<string>?> RegenerateRecoveryCodesAsync(SftpCredentialOwner owner, CancellationToken cancellationToken = default)
    {
        await _recoveryLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await Store.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is not { } config)
            {
                return null;
            }
            var (codes, hashes) = NewRecoveryCodes();
            config.RecoveryCodes = hashes;
            await Store.SetTotpAsync(config, cancellationToken).ConfigureAwait(false);
            return codes;
        }
        finally
        {
            _recoveryLock.Release();
        }
    }

    /// <summary>
    /// Checks a second-factor answer: a one-time code of the owner's secret (each accepted once, ±1 step) or one of
    /// its unused recovery codes (then marked used). False for anything else, and when the owner has no second factor.
    /// </summary>
    public async ValueTask<bool> VerifyCodeAsync(SftpCredentialOwner owner, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (await Store.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is not { Enabled: true } config)
        {
            return false;
        }
        code = code.Trim();
        if (code.Length == 6 && code.All(char.IsAsciiDigit))
        {
            byte[]? key = DecodeSecret(_protector?.Unprotect(config.Secret) ?? config.Secret);
            return key is not null && CheckCode(owner, key, code);
        }
        return await UseRecoveryCodeAsync(owner, code, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a token for <paramref name="owner"/>; returns its record and the token itself, which is not kept and
    /// cannot be shown again.
    /// </summary>
    /// <exception cref="ArgumentException">An empty or too long name, no scope, an expiry in the past or beyond <see cref="MaxTokenLifetime"/>.</exception>
    /// <exception cref="InvalidOperationException">The owner holds <see cref="SftpAccessToken.MaxTokensPerOwner"/> tokens already.</exception>
    public async ValueTask<(SftpAccessToken Token, string Secret)> CreateTokenAsync(SftpCredentialOwner owner, string name, DateTimeOffset? expiresAt,
        SftpAccessTokenScopes scopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var now = _time.GetUtcNow();
        if (name.Trim().Length is 0 or > SftpAccessToken.MaxNameLength || name.Any(char.IsControl))
        {
            throw new ArgumentException($"A token name has 1–{SftpAccessToken.MaxNameLength} characters.", nameof(name));
        }
        if (scopes == SftpAccessTokenScopes.None || (scopes & ~(SftpAccessTokenScopes.Ssh | SftpAccessTokenScopes.Web | SftpAccessTokenScopes.Api)) != 0)
        {
            throw new ArgumentException("A token needs at least one scope of ssh, web and api.", nameof(scopes));
        }
        if (expiresAt is { } at && (at <= now || at - now > MaxTokenLifetime))
        {
            throw new ArgumentException("A token's expiry must be in the future and at most 366 days away.", nameof(expiresAt));
        }
        int held = 0;
        await foreach (var _ in Store.ListTokensAsync(owner, cancellationToken).ConfigureAwait(false))
        {
            held++;
        }
        if (held >= SftpAccessToken.MaxTokensPerOwner)
        {
            throw new InvalidOperationException($"At most {SftpAccessToken.MaxTokensPerOwner} tokens per owner.");
        }
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenIdLength / 2));
        string secret = TokenPrefix + id + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new SftpAccessToken
        {
            Id = id,
            OwnerKind = owner.Kind,
            OwnerName = owner.Name,
            Name = name.Trim(),
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret))),
            Scopes = scopes,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        await Store.CreateTokenAsync(token, cancellationToken).ConfigureAwait(false);
        return (token, secret);
    }

    /// <summary>True when <paramref name="password"/> has a token's shape (and is then checked only as a token).</summary>
    public static bool LooksLikeToken(string? password) =>
        password is { Length: > 0 } p && p.StartsWith(TokenPrefix, StringComparison.Ordinal) && p.Length > TokenPrefix.Length + TokenIdLength
        && p[TokenPrefix.Length + TokenIdLength] == '_';

    /// <summary>True for a token id: 16 lower-case hex digits.</summary>
    public static bool IsValidTokenId(string? id) => id is { Length: TokenIdLength } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// The token <paramref name="presented"/> when it is one of <paramref name="owner"/>'s, unexpired and holds
    /// <paramref name="scope"/>; else null. Records the use.
    /// </summary>
    public async ValueTask<SftpAccessToken?> ValidateTokenAsync(SftpCredentialOwner owner, string presented, SftpAccessTokenScopes scope,
        CancellationToken cancellationToken = default)
    {
        if (!LooksLikeToken(presented) || presented.Length > 256)
        {
            return null;
        }
        string id = presented.Substring(TokenPrefix.Length, TokenIdLength);
        if (!IsValidTokenId(id) || await Store.FindTokenAsync(id, cancellationToken).ConfigureAwait(false) is not { } token)
        {
            return null;
        }
        byte[] expected;
        try
        {
            expected = Convert.FromHexString(token.Hash);
        }
        catch (FormatException)
        {
            return null;
        }
        byte[] actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var now = _time.GetUtcNow();
        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || token.OwnerKind != owner.Kind
            || !string.Equals(token.OwnerName, owner.Name, StringComparison.Ordinal) || (token.Scopes & scope) != scope || token.IsExpired(now))
        {
            return null;
        }
        if (token.LastUseAt is not { } last || now - last >= TokenUseWriteInterval || now < last)
        {
            await Store.TouchTokenAsync(id, now, cancellationToken).ConfigureAwait(false);
        }
        return token;
    }

    /// <summary>Drops everything of an owner (when the account or admin is deleted).</summary>
    public async ValueTask RemoveOwnerAsync(SftpCredentialOwner owner, CancellationToken cancellationToken = default)
    {
        await Store.DeleteTotpAsync(owner, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await foreach (var token in Store.ListTokensAsync(owner, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(token.Id);
        }
        foreach (string id in ids)
        {
            await Store.DeleteTokenAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool CheckCode(SftpCredentialOwner owner, byte[] key, string code)
    {
        code = code.Trim();
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }
        var now = _time.GetUtcNow();
        var totp = new Totp(key, Step, OtpHashMode.Sha1, 6);
        if (!totp.VerifyTotp(now.UtcDateTime, code, out long step, s_window))
        {
            return false;
        }
        return _replay.TryUse(owner, step, now.ToUnixTimeSeconds() / Step);
    }

    private async ValueTask<bool> UseRecoveryCodeAsync(SftpCredentialOwner owner, string code, CancellationToken cancellationToken)
    {
        string canonical = new(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        if (canonical.Length is 0 or > 64)
        {
            return false;
        }
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        await _recoveryLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await Store.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is not { } config)
            {
                return false;
            }
            SftpRecoveryCode? match = null;
            foreach (var candidate in config.RecoveryCodes)
            {
                // Every stored hash is compared, in constant time, whatever matched before.
                if (!candidate.Used && candidate.Hash.Length == 64 && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(candidate.Hash), hash))
                {
                    match ??= candidate;
                }
            }
            if (match is null)
            {
                return false;
            }
            match.Used = true;
            await Store.SetTotpAsync(config, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _recoveryLock.Release();
        }
    }

    private static (List<string> Codes, List<SftpRecoveryCode> Hashes) NewRecoveryCodes()
    {
        var codes = new List<string>(RecoveryCodeCount);
        var hashes = new List<SftpRecoveryCode>(RecoveryCodeCount);
        for (int i = 0; i < RecoveryCodeCount; i++)
        {
            string raw = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10))[..16]; // 80 bits
            codes.Add(string.Join('-', raw.Chunk(4).Select(c => new string(c))));
            hashes.Add(new SftpRecoveryCode { Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw))) });
        }
        return (codes, hashes);
    }

    private static byte[]? DecodeSecret(string secret)
    {
        string s = secret.Trim().TrimEnd('=').ToUpperInvariant();
        if (s.Length is < 26 or > 128 || s.Any(c => c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7'))))
        {
            return null;
        }
        try
        {
            return Base32Encoding.ToBytes(s);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
