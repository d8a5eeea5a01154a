using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// Puts the external authentication hooks in front of the registered <see cref="ISshAuthenticator"/> (the account
/// store's, or a host's own): for a method in its scope the external auth hook decides, and an accepted user is saved
/// in the account store (when one is registered) and logged in; for other methods the pre-login hook may create or
/// change the stored account first and the check-password hook may decide or rewrite a password before the inner
/// authenticator checks it. Keyboard-interactive logins run the keyboard-interactive hook's rounds when one is set.
/// Every accepted login carries its account, so the session pipeline gives it storage, folders, policies and events
/// like any other. Any hook failure (timeout, unreachable, malformed answer) is logged without credentials and
/// answered with the generic failure.
/// </summary>
internal sealed partial class HookAuthenticator : ISshAuthenticator, ISshKeyboardInteractiveAuthenticator
{
    private static readonly SshKeyboardInteractiveChallenge s_passwordPrompt = new([new SshKeyboardInteractivePrompt("Password: ", Echo: false)]);

    /// <summary>How long a public key the external hook accepted is remembered for the same connection's signed retry.</summary>
    private static readonly TimeSpan PublicKeyQueryMemory = TimeSpan.FromSeconds(30);

    private readonly ISshAuthenticator _inner;
    private readonly AuthHookRunner _runner;
    private readonly ISftpUserStore? _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ExternalAuthHook? _external;
    private readonly PreLoginHook? _preLogin;
    private readonly CheckPasswordHook? _checkPassword;
    private readonly KeyboardInteractiveHook? _keyboardInteractive;
    private readonly ExternalAuthCache _cache;

    public HookAuthenticator(ISshAuthenticator inner, AuthHookRunner runner, ISftpUserStore? store, ILogger<HookAuthenticator> logger, TimeProvider? time = null)
    {
        _inner = inner;
        _runner = runner;
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var options = runner.Options;
        _cache = new ExternalAuthCache(options.MaxCachedLogins, _time);
        if (options.ExternalAuthHook is { Length: > 0 } external)
        {
            _external = new ExternalAuthHook(runner, external, options.ExternalAuthScope);
        }
        if (options.PreLoginHook is { Length: > 0 } preLogin)
        {
            _preLogin = new PreLoginHook(runner, preLogin, store ?? throw new InvalidOperationException(
                "The pre-login hook needs an account store (AddUserStore, AddJsonFileUserStore, AddSqlUserStore, ...)."));
        }
        if (options.CheckPasswordHook is { Length: > 0 } checkPassword)
        {
            _checkPassword = new CheckPasswordHook(runner, checkPassword, options.CheckPasswordScope);
        }
        if (options.KeyboardInteractiveHook is { Length: > 0 } keyboardInteractive)
        {
            _keyboardInteractive = new KeyboardInteractiveHook(runner, keyboardInteractive);
        }
    }

    /// <summary>The authenticator the hooks stand in front of.</summary>
    internal ISshAuthenticator Inner => _inner;

    public async ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(password);
        try
        {
            if (_external?.Handles(ExternalAuthHook.ScopePassword) == true)
            {
                return await ExternalAsync(context, "password", "password", password,
                    () => _inner.AuthenticatePasswordAsync(context, password, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            if (!await PreLoginAsync(context, "password", cancellationToken).ConfigureAwait(false))
            {
                return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
            }
            return await CheckedPasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHookFailure(e))
        {
            return Failed(context, "password", e);
        }
    }

    public async ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            if (_external?.Handles(ExternalAuthHook.ScopePublicKey) == true && key.Certificate is null)
            {
                string line = $"{key.KeyType} {Convert.ToBase64String(key.Blob.Span)}";
                // The server asks twice per key (the unsigned query, then the signed attempt): one hook call answers both.
                string memory = ExternalAuthCache.Key("query:" + context.ConnectionId, context.UserName, "publickey", line);
                if (_cache.Find(memory) is { } remembered)
                {
                    return await HookLogin.CompleteAsync(remembered, context, _store, _time, cancellationToken).ConfigureAwait(false);
                }
                var result = await ExternalAsync(context, "publickey", "public_key", line,
                    () => _inner.AuthenticatePublicKeyAsync(context, key, cancellationToken), cancellationToken).ConfigureAwait(false);
                if (result.Principal?.GetFeature<SftpAccount>() is { } account)
                {
                    _cache.Add(memory, account, PublicKeyQueryMemory);
                }
                return result;
            }
            if (!await PreLoginAsync(context, "publickey", cancellationToken).ConfigureAwait(false))
            {
                return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
            }
            return await _inner.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHookFailure(e))
        {
            return Failed(context, "publickey", e);
        }
    }

    public async ValueTask<SshKeyboardInteractiveStep> BeginKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            SftpAccount? account = null;
            bool fromHook = false;
            if (_external?.Handles(ExternalAuthHook.ScopeKeyboardInteractive) == true)
            {
                var stored = _store is null ? null : await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
                var (outcome, answered, _) = await _external.AskAsync(context, stored, "keyboard_interactive", "1", cancellationToken).ConfigureAwait(false);
                if (outcome == ExternalAuthOutcome.Refused)
                {
                    return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
                }
                if (answered is not null && _store is not null)
                {
                    await HookLogin.SaveAsync(_store, answered.Clone(), cancellationToken).ConfigureAwait(false);
                }
                account = answered ?? stored;
                fromHook = true;
            }
            else if (!await PreLoginAsync(context, "keyboard-interactive", cancellationToken).ConfigureAwait(false))
            {
                return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.AccessDenied));
            }
            if (_keyboardInteractive is not null)
            {
                account ??= _store is null ? null : await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
                if (account is null)
                {
                    return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser));
                }
                var conversation = await _keyboardInteractive.StartAsync(context, account, cancellationToken).ConfigureAwait(false);
                return await NextRoundAsync(context, new HookRounds(conversation, account), null, cancellationToken).ConfigureAwait(false);
            }
            if (fromHook)
            {
                // The external hook provisioned the account; its password decides.
                return account is null
                    ? SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser))
                    : SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(s_passwordPrompt.Prompts, state: new PasswordOf(account)));
            }
            if (_inner is ISshKeyboardInteractiveAuthenticator custom)
            {
                var step = await custom.BeginKeyboardInteractiveAsync(context, submethods, cancellationToken).ConfigureAwait(false);
                return Wrap(step);
            }
            return SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(s_passwordPrompt.Prompts, state: new CheckedPassword()));
        }
        catch (Exception e) when (IsHookFailure(e))
        {
            return SshKeyboardInteractiveStep.Complete(Failed(context, "keyboard-interactive", e));
        }
    }

    public async ValueTask<SshKeyboardInteractiveStep> ContinueKeyboardInteractiveAsync(SshAuthContext context, SshKeyboardInteractiveChallenge challenge,
        IReadOnlyList<string> answers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(answers);
        try
        {
            switch (challenge.State)
            {
                case HookRounds rounds:
                    return await NextRoundAsync(context, rounds, answers, cancellationToken).ConfigureAwait(false);
                case PasswordOf of:
                    return SshKeyboardInteractiveStep.Complete(await VerifyStoredPasswordAsync(of.Account, answers[0], cancellationToken).ConfigureAwait(false)
                        ? await HookLogin.CompleteAsync(of.Account, context, _store, _time, cancellationToken).ConfigureAwait(false)
                        : SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
                case CheckedPassword:
                    return SshKeyboardInteractiveStep.Complete(await CheckedPasswordAsync(context, answers[0], cancellationToken).ConfigureAwait(false));
                case InnerState inner:
                    var step = await ((ISshKeyboardInteractiveAuthenticator)_inner).ContinueKeyboardInteractiveAsync(context, inner.Challenge, answers, cancellationToken)
                        .ConfigureAwait(false);
                    return Wrap(step);
                default:
                    return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
            }
        }
        catch (Exception e) when (IsHookFailure(e))
        {
            (challenge.State as HookRounds)?.Conversation.Dispose();
            return SshKeyboardInteractiveStep.Complete(Failed(context, "keyboard-interactive", e));
        }
    }

    /// <summary>
    /// Answers the current round (checking the password for <c>check_password</c> 1 and sending <c>OK</c> instead),
    /// reads the next one and turns it into questions or the result.
    /// </summary>
    private async Task<SshKeyboardInteractiveStep> NextRoundAsync(SshAuthContext context, HookRounds rounds, IReadOnlyList<string>? answers,
        CancellationToken cancellationToken)
    {
        var conversation = rounds.Conversation;
        if (answers is not null && conversation.Round is { CheckPassword: not 0 } asked)
        {
            if (asked.CheckPassword != 1 || !await VerifyStoredPasswordAsync(rounds.Account, answers[0], cancellationToken).ConfigureAwait(false))
            {
                conversation.Dispose();
                LogHookRefused(_logger, context.ConnectionId, context.UserName, "keyboard-interactive", asked.CheckPassword == 1 ? "wrong password" : "unsupported check_password");
                return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
            }
            answers = ["OK"];
        }
        var round = await conversation.NextAsync(answers, cancellationToken).ConfigureAwait(false);
        if (round.AuthResult != 0)
        {
            conversation.Dispose();
            if (round.AuthResult != 1)
            {
                LogHookRefused(_logger, context.ConnectionId, context.UserName, "keyboard-interactive", "auth_result " + round.AuthResult);
                return SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
            }
            return SshKeyboardInteractiveStep.Complete(await HookLogin.CompleteAsync(rounds.Account, context, _store, _time, cancellationToken).ConfigureAwait(false));
        }
        if (round.Questions.Count == 0 || round.Questions.Count != round.Echos.Count || round.Questions.Count > SshKeyboardInteractiveChallenge.MaxPrompts
            || (round.CheckPassword != 0 && round.Questions.Count != 1))
        {
            throw new HookFailedException("The keyboard-interactive hook answered a malformed round.");
        }
        var prompts = round.Questions.Select((q, i) => new SshKeyboardInteractivePrompt(q, round.Echos[i])).ToArray();
        return SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(prompts, instruction: round.Instruction, state: rounds));
    }

    /// <summary>A step of the inner authenticator's own conversation, with its challenge wrapped so the answers come back here.</summary>
    private static SshKeyboardInteractiveStep Wrap(SshKeyboardInteractiveStep step) => step.Challenge is { } challenge
        ? SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(challenge.Prompts, challenge.Name, challenge.Instruction, new InnerState(challenge)))
        : step;

    /// <summary>A password login past the pre-login hook: the check-password hook when it applies, then the inner authenticator.</summary>
    private async Task<SshAuthResult> CheckedPasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        if (_checkPassword?.Applies(context) != true)
        {
            return await _inner.AuthenticatePasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
        }
        var (status, toVerify) = await _checkPassword.CheckAsync(context, password, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case 1:
                var account = _store is null ? null : await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
                if (account is null)
                {
                    LogHookRefused(_logger, context.ConnectionId, context.UserName, "check-password", "accepted a user with no stored account");
                    return SshAuthResult.Fail(SshAuthFailureReason.UnknownUser);
                }
                return await HookLogin.CompleteAsync(account, context, _store, _time, cancellationToken).ConfigureAwait(false);
            case 2:
                return await _inner.AuthenticatePasswordAsync(context, toVerify, cancellationToken).ConfigureAwait(false);
            default:
                LogHookRefused(_logger, context.ConnectionId, context.UserName, "check-password", "status " + status);
                return SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials);
        }
    }

    /// <summary>
    /// The external auth hook's decision: a cached success, an accepted user (saved to the store, cached), the stored
    /// account's own check for an empty answer, or a refusal.
    /// </summary>
    private async Task<SshAuthResult> ExternalAsync(SshAuthContext context, string method, string field, string credential,
        Func<ValueTask<SshAuthResult>> stored, CancellationToken cancellationToken)
    {
        string cacheKey = ExternalAuthCache.Key("external", context.UserName, method, credential);
        if (_cache.Find(cacheKey) is { } cached)
        {
            return await HookLogin.CompleteAsync(cached, context, _store, _time, cancellationToken).ConfigureAwait(false);
        }
        var existing = _store is null ? null : await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
        var (outcome, account, cacheSeconds) = await _external!.AskAsync(context, existing, field, credential, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case ExternalAuthOutcome.Refused:
                LogHookRefused(_logger, context.ConnectionId, context.UserName, "external-auth", "refused by the hook");
                return SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials);
            case ExternalAuthOutcome.UseStored:
                return await stored().ConfigureAwait(false);
        }
        if (_store is not null)
        {
            await HookLogin.SaveAsync(_store, account!.Clone(), cancellationToken).ConfigureAwait(false);
            account.LastLogin ??= existing?.LastLogin;
        }
        int seconds = cacheSeconds > 0 ? cacheSeconds : _runner.Options.ExternalAuthCacheTime;
        _cache.Add(cacheKey, account!, TimeSpan.FromSeconds(seconds));
        return await HookLogin.CompleteAsync(account!, context, _store, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the pre-login hook when set; false when it denies the login.</summary>
    private async Task<bool> PreLoginAsync(SshAuthContext context, string method, CancellationToken cancellationToken)
    {
        if (_preLogin is null)
        {
            return true;
        }
        bool allowed = await _preLogin.RunAsync(context, method, cancellationToken).ConfigureAwait(false);
        if (!allowed)
        {
            LogHookRefused(_logger, context.ConnectionId, context.UserName, "pre-login", "denied by the hook");
        }
        return allowed;
    }

    private static async Task<bool> VerifyStoredPasswordAsync(SftpAccount account, string password, CancellationToken cancellationToken)
    {
        if (account.PasswordHash is not { Length: > 0 } hash)
        {
            await PasswordHashGate.RunAsync(() =>
            {
                SftpPasswordHasher.VerifyDummy(password);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return false;
        }
        var verdict = await PasswordHashGate.RunAsync(() => SftpPasswordHasher.Verify(hash, password), cancellationToken).ConfigureAwait(false);
        return verdict != PasswordVerificationResult.Failed;
    }

    private static bool IsHookFailure(Exception e) =>
        e is HookFailedException or TimeoutException or FormatException or HttpRequestException or IOException or InvalidOperationException;

    private SshAuthResult Failed(SshAuthContext context, string method, Exception e)
    {
        LogHookFailed(_logger, context.ConnectionId, context.UserName, method, e.GetType().Name, e is HookFailedException or TimeoutException or FormatException ? e.Message : "the hook failed");
        return SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials);
    }

    /// <summary>A keyboard-interactive hook conversation and the account it is for.</summary>
    private sealed record HookRounds(KeyboardInteractiveHook.Conversation Conversation, SftpAccount Account);

    /// <summary>A password prompt checked against an account the external hook provisioned.</summary>
    private sealed record PasswordOf(SftpAccount Account);

    /// <summary>A password prompt decided like a password login (check-password hook, then the inner authenticator).</summary>
    private sealed record CheckedPassword;

    /// <summary>The inner authenticator's own challenge.</summary>
    private sealed record InnerState(SshKeyboardInteractiveChallenge Challenge);

    [LoggerMessage(5060, LogLevel.Warning, "Connection {ConnectionId} user {UserName}: {Method} login hook failed ({Error}: {Reason})", EventName = "AuthHookFailed")]
    private static partial void LogHookFailed(ILogger logger, string connectionId, string userName, string method, string error, string reason);

    [LoggerMessage(5061, LogLevel.Information, "Connection {ConnectionId} user {UserName}: {Hook} hook refused the login ({Reason})", EventName = "AuthHookRefused")]
    private static partial void LogHookRefused(ILogger logger, string connectionId, string userName, string hook, string reason);
}
