using System.IO.Pipelines;

namespace SftpKit.Ssh.Connection;

/// <summary>
/// Where a channel's reader continues when the connection's read loop hands it bytes. By default on the thread pool:
/// a handler that reads the input stream and then blocks (a synchronous write waiting for the client's window, say)
/// must not hold up the read loop, which is what would process the window adjust. Once the reader is the
/// all-asynchronous SFTP session (it reads through <see cref="ChannelPipeReader"/>), inline on the read loop: a
/// request then costs no thread hand-off between the transport and the session.
/// </summary>
internal sealed class ChannelInputScheduler : PipeScheduler
{
    private volatile bool _inline;

    /// <summary>From now on, continue the reader on the thread that delivered the bytes.</summary>
    public void RunInline() => _inline = true;

    public override void Schedule(Action<object?> action, object? state)
    {
        if (_inline)
        {
            action(state);
        }
        else
        {
            ThreadPool.Schedule(action, state);
        }
    }
}
