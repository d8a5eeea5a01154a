using System.Text;

namespace SftpKit.Tests.Ssh.Connection;

/// <summary>A host's own command handler can be unit-tested with a channel context it builds itself, no server.</summary>
public sealed class SshChannelContextTests
{
    private sealed class Greeter : ISshCommandHandler
    {
        public bool CanExecute(string command) => command.StartsWith("greet", StringComparison.Ordinal);

        public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(context.Input, leaveOpen: true);
            string name = (await reader.ReadToEndAsync(cancellationToken)).Trim();
            await context.Output.WriteAsync(Encoding.UTF8.GetBytes($"hello {name} from {context.Principal.UserName}\n"), cancellationToken);
            await context.Error.WriteAsync("done\n"u8.ToArray(), cancellationToken);
            return 3;
        }
    }

    [Fact]
    public async Task A_command_handler_runs_over_a_context_built_by_the_test()
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        var context = new SshChannelContext(new SshPrincipal("alice"), new MemoryStream("bob\n"u8.ToArray()), output, error);

        var handler = new Greeter();
        Assert.True(handler.CanExecute("greet"));
        Assert.Equal(3, await handler.ExecuteAsync(context, "greet", CancellationToken.None));
        Assert.Equal("hello bob from alice\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("done\n", Encoding.UTF8.GetString(error.ToArray()));
        Assert.Equal("test", context.ConnectionId);
        Assert.Same(context.Principal, context.Connection.Principal);
    }

    [Fact]
    public void Error_defaults_to_a_null_stream()
    {
        var context = new SshChannelContext(new SshPrincipal("alice"), Stream.Null, Stream.Null);
        Assert.Same(Stream.Null, context.Error);
        Assert.Null(context.RemoteEndPoint);
    }
}
