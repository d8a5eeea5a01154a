using Microsoft.Extensions.Logging;

namespace SftpKit.Tests.Authentication.Ldap;

/// <summary>A logger that keeps every message, to show in a failed assertion what the authenticator logged.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Messages)
        {
            Messages.Add($"{eventId.Name}: {formatter(state, exception)} {exception}");
        }
    }

    public override string ToString()
    {
        lock (Messages)
        {
            return string.Join('\n', Messages);
        }
    }
}
