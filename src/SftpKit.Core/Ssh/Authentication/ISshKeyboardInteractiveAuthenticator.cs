namespace SftpKit;

/// <summary>
/// Optional capability of an <see cref="ISshAuthenticator"/>: runs keyboard-interactive logins (RFC 4256) with its
/// own questions, e.g. a password and then a one-time code. When the registered authenticator does not implement it,
/// keyboard-interactive asks one <c>Password:</c> prompt and decides with
/// <see cref="ISshAuthenticator.AuthenticatePasswordAsync"/>.
/// </summary>
/// <remarks>
/// One attempt is a conversation: <see cref="BeginKeyboardInteractiveAsync"/> returns the first questions, each set of
/// answers goes to <see cref="ContinueKeyboardInteractiveAsync"/> with the challenge it answers, until a step carries
/// a result. Limits: at most <see cref="SshKeyboardInteractiveChallenge.MaxRounds"/> rounds per attempt and
/// <see cref="SshKeyboardInteractiveChallenge.MaxPrompts"/> prompts per round; past them, or when the client answers
/// a different number of prompts, the attempt fails. A new USERAUTH_REQUEST abandons an unfinished conversation.
/// </remarks>
public interface ISshKeyboardInteractiveAuthenticator
{
    /// <summary>Starts an attempt: return the first questions, or a result straight away (e.g. an unknown user's failure).</summary>
    /// <param name="context">The attempt; <see cref="SshAuthContext.Method"/> is <c>keyboard-interactive</c>.</param>
    /// <param name="submethods">The client's submethods hint (RFC 4256 §3.1), usually empty.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    ValueTask<SshKeyboardInteractiveStep> BeginKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken);

    /// <summary>Takes the answers to <paramref name="challenge"/> and returns more questions or the result.</summary>
    /// <param name="context">The attempt.</param>
    /// <param name="challenge">The challenge these answers are for, with the <see cref="SshKeyboardInteractiveChallenge.State"/> it was given.</param>
    /// <param name="answers">One answer per prompt, in order. Never logged by the server.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    ValueTask<SshKeyboardInteractiveStep> ContinueKeyboardInteractiveAsync(SshAuthContext context, SshKeyboardInteractiveChallenge challenge,
        IReadOnlyList<string> answers, CancellationToken cancellationToken);
}

/// <summary>One prompt of a keyboard-interactive round.</summary>
/// <param name="Text">The prompt shown to the user, e.g. <c>Verification code: </c>.</param>
/// <param name="Echo">Whether the client may echo the answer (false for secrets).</param>
public sealed record SshKeyboardInteractivePrompt(string Text, bool Echo);

/// <summary>One round of questions (SSH_MSG_USERAUTH_INFO_REQUEST).</summary>
public sealed class SshKeyboardInteractiveChallenge
{
    /// <summary>Most rounds (INFO_REQUEST messages) in one keyboard-interactive attempt: 10.</summary>
    public const int MaxRounds = 10;

    /// <summary>Most prompts in one round: 16.</summary>
    public const int MaxPrompts = 16;

    /// <summary>Creates a round of questions.</summary>
    /// <param name="prompts">Zero to <see cref="MaxPrompts"/> prompts.</param>
    /// <param name="name">A title the client may show. Defaults to empty.</param>
    /// <param name="instruction">Instructions the client may show. Defaults to empty.</param>
    /// <param name="state">Any value the authenticator wants back with the answers (e.g. which step this is).</param>
    /// <exception cref="ArgumentException">More than <see cref="MaxPrompts"/> prompts.</exception>
    public SshKeyboardInteractiveChallenge(IReadOnlyList<SshKeyboardInteractivePrompt> prompts, string name = "", string instruction = "", object? state = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(instruction);
        if (prompts.Count > MaxPrompts)
        {
            throw new ArgumentException($"At most {MaxPrompts} prompts per round.", nameof(prompts));
        }
        Prompts = prompts;
        Name = name;
        Instruction = instruction;
        State = state;
    }

    /// <summary>The prompts, in order.</summary>
    public IReadOnlyList<SshKeyboardInteractivePrompt> Prompts { get; }

    /// <summary>The title the client may show.</summary>
    public string Name { get; }

    /// <summary>The instruction the client may show.</summary>
    public string Instruction { get; }

    /// <summary>The authenticator's own value, handed back with the answers.</summary>
    public object? State { get; }
}

/// <summary>What a keyboard-interactive conversation does next: ask another round or end with a result.</summary>
public sealed class SshKeyboardInteractiveStep
{
    private SshKeyboardInteractiveStep(SshKeyboardInteractiveChallenge? challenge, SshAuthResult? result)
    {
        Challenge = challenge;
        Result = result;
    }

    /// <summary>The next round of questions; null when the step carries a result.</summary>
    public SshKeyboardInteractiveChallenge? Challenge { get; }

    /// <summary>The outcome (success, <see cref="SshAuthResult.Continue"/> or failure); null when the step asks questions.</summary>
    public SshAuthResult? Result { get; }

    /// <summary>Asks the client <paramref name="challenge"/>.</summary>
    public static SshKeyboardInteractiveStep Ask(SshKeyboardInteractiveChallenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return new SshKeyboardInteractiveStep(challenge, null);
    }

    /// <summary>Asks the client one round of prompts.</summary>
    public static SshKeyboardInteractiveStep Ask(params SshKeyboardInteractivePrompt[] prompts) => Ask(new SshKeyboardInteractiveChallenge(prompts));

    /// <summary>Ends the attempt with <paramref name="result"/>.</summary>
    public static SshKeyboardInteractiveStep Complete(SshAuthResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new SshKeyboardInteractiveStep(null, result);
    }
}
