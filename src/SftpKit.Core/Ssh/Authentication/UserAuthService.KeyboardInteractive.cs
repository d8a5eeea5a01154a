using SftpKit.Ssh.Messages;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// The keyboard-interactive method (RFC 4256): the authenticator's own rounds of questions when it implements
/// <see cref="ISshKeyboardInteractiveAuthenticator"/>, else one <c>Password:</c> prompt decided as a password.
/// </summary>
internal sealed partial class UserAuthService
{
    private static readonly SshKeyboardInteractiveChallenge s_passwordPrompt = new([new SshKeyboardInteractivePrompt("Password: ", Echo: false)]);

    private Conversation? _conversation;

    private async ValueTask<SshPrincipal?> OnKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken)
    {
        if (_authenticator is not ISshKeyboardInteractiveAuthenticator custom)
        {
            Ask(new Conversation(context, s_passwordPrompt, Rounds: 1, Custom: false));
            return null;
        }
        var step = await custom.BeginKeyboardInteractiveAsync(context, submethods, cancellationToken).ConfigureAwait(false);
        return await NextStepAsync(context, step, rounds: 0).ConfigureAwait(false);
    }

    private async ValueTask<SshPrincipal?> OnInfoResponseAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var conversation = _conversation;
        _conversation = null;
        if (conversation is null)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected keyboard-interactive response.");
        }
        var context = conversation.Context;
        var answers = UserAuthInfoResponseMessage.Read(payload.Span).Responses;
        if (answers.Count != conversation.Challenge.Prompts.Count)
        {
            AuthLog.KeyboardInteractiveRefused(_logger, context.ConnectionId, context.UserName, "answer count differs from the prompts");
            return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
        }
        if (!conversation.Custom)
        {
            var result = await _authenticator.AuthenticatePasswordAsync(context, answers[0], cancellationToken).ConfigureAwait(false);
            return await CompleteAsync(context, result).ConfigureAwait(false);
        }
        var step = await ((ISshKeyboardInteractiveAuthenticator)_authenticator)
            .ContinueKeyboardInteractiveAsync(context, conversation.Challenge, answers, cancellationToken).ConfigureAwait(false);
        return await NextStepAsync(context, step, conversation.Rounds).ConfigureAwait(false);
    }

    private async ValueTask<SshPrincipal?> NextStepAsync(SshAuthContext context, SshKeyboardInteractiveStep step, int rounds)
    {
        if (step.Result is { } result)
        {
            return await CompleteAsync(context, result).ConfigureAwait(false);
        }
        if (rounds >= SshKeyboardInteractiveChallenge.MaxRounds)
        {
            AuthLog.KeyboardInteractiveRefused(_logger, context.ConnectionId, context.UserName, "too many rounds");
            return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
        }
        Ask(new Conversation(context, step.Challenge!, rounds + 1, Custom: true));
        return null;
    }

    /// <summary>Sends SSH_MSG_USERAUTH_INFO_REQUEST and waits for its INFO_RESPONSE.</summary>
    private void Ask(Conversation conversation)
    {
        var challenge = conversation.Challenge;
        var prompts = challenge.Prompts.Select(p => new UserAuthInfoPrompt(p.Text, p.Echo)).ToArray();
        _transport.Send(new UserAuthInfoRequestMessage(challenge.Name, challenge.Instruction, prompts));
        _conversation = conversation;
    }

    /// <summary>An unanswered INFO_REQUEST: the attempt it belongs to and how many rounds it has had.</summary>
    private sealed record Conversation(SshAuthContext Context, SshKeyboardInteractiveChallenge Challenge, int Rounds, bool Custom);
}
