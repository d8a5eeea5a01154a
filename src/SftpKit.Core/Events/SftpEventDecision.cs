namespace SftpKit.Events;

/// <summary>A pre-event handler's answer: let the operation run, or refuse it.</summary>
public sealed class SftpEventDecision
{
    private SftpEventDecision(bool allowed, string? message)
    {
        IsAllowed = allowed;
        Message = message;
    }

    /// <summary>The operation may run.</summary>
    public static SftpEventDecision Allow { get; } = new(true, null);

    /// <summary>True when the operation may run.</summary>
    public bool IsAllowed { get; }

    /// <summary>
    /// Why the operation was refused; written to the server log. Clients get a generic permission-denied answer, never
    /// this text.
    /// </summary>
    public string? Message { get; }

    /// <summary>Refuses the operation, recording <paramref name="message"/> in the server log.</summary>
    public static SftpEventDecision Deny(string? message = null) => new(false, message);

    /// <inheritdoc />
    public override string ToString() => IsAllowed ? "Allow" : $"Deny({Message})";
}
