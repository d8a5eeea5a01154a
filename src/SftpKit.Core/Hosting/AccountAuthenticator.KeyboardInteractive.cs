using SftpKit.Accounts;

namespace SftpKit.Hosting;

/// <summary>
/// Keyboard-interactive logins of accounts: <c>Password:</c>, then <c>Authentication code:</c> when the account's
/// second factor applies to SSH (the code is asked even after a wrong password, so the answer does not tell which
/// was wrong); only the code when the login passed <c>publickey</c> before. A personal access token answers the
/// password prompt in place of both.
/// </summary>
internal sealed partial class AccountAuthenticator : ISshKeyboardInteractiveAuthenticator
{
    private static readonly SshKeyboardInteractivePrompt s_password = new("Password: ", Echo: false);
    private static readonly SshKeyboardInteractivePrompt s_code = new("Authentication code: ", Echo: false);

    public async ValueTask<SshKeyboardInteractiveStep> BeginKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PassedMethods.Contains("publickey") && await CodeRequiredAsync(context.UserName, cancellationToken).ConfigureAwait(false))
        {
            var account = await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
            return SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge([s_code], state: new Pending(account, SshAuthFailureReason.UnknownUser)));
        }
        return SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge([s_password], state: null));
    }

    public async ValueTask<SshKeyboardInteractiveStep> ContinueKeyboardInteractiveAsync(SshAuthContext context, SshKeyboardInteractiveChallenge challenge,
        IReadOnlyList<string> answers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(answers);
        if (challenge.State is Pending pending)
        {
            return SshKeyboardInteractiveStep.Complete(await CheckCodeAsync(context, pending, answers[0], cancellationToken).ConfigureAwait(false));
        }
        string password = answers[0];
        if (_credentials is not null && SftpCredentials.LooksLikeToken(password))
        {
            return SshKeyboardInteractiveStep.Complete(await TokenLoginAsync(context, password, cancellationToken).ConfigureAwait(false));
        }
        var (account, reason) = await VerifyPasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
        if (await CodeRequiredAsync(context.UserName, cancellationToken).ConfigureAwait(false))
        {
            return SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge([s_code], state: new Pending(account, reason)));
        }
        return SshKeyboardInteractiveStep.Complete(account is null
            ? Fail(context, reason)
            : await SucceedAsync(account, context, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<SshAuthResult> CheckCodeAsync(SshAuthContext context, Pending pending, string code, CancellationToken cancellationToken)
    {
        if (pending.Account is not { } account)
        {
            return Fail(context, pending.Reason);
        }
        if (!await _credentials!.VerifyCodeAsync(SftpCredentialOwner.User(account.UserName), code, cancellationToken).ConfigureAwait(false))
        {
            LogRefused(_logger, context.ConnectionId, account.UserName, "wrong or reused authentication code");
            return Fail(context, SshAuthFailureReason.InvalidCredentials);
        }
        return await SucceedAsync(account, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The account whose password round is over (null when it failed, with why), waiting for its code.</summary>
    private sealed record Pending(SftpAccount? Account, SshAuthFailureReason Reason);
}
