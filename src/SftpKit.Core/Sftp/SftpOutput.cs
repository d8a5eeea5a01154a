namespace SftpKit.Sftp;

/// <summary>
/// The one path replies take to the client: a lock keeps concurrent handlers' packets whole and in one piece on the
/// channel. Writing waits for the client's window, which pushes back on the handlers.
/// </summary>
internal sealed class SftpOutput : IDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public SftpOutput(Stream stream) => _stream = stream;

    /// <summary>Sends and disposes <paramref name="response"/>.</summary>
    public async ValueTask SendAsync(SftpResponse response, CancellationToken cancellationToken)
    {
        using (response)
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                await _stream.WriteAsync(response.GetPacket(), cancellationToken);
                await _stream.FlushAsync(cancellationToken);
            }
            finally
            {
                _lock.Release();
            }
        }
    }

    public void Dispose() => _lock.Dispose();
}
