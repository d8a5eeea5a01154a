using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;

namespace SftpKit.Hosting;

/// <summary>
/// The default <see cref="ISshAuthenticator"/>: the users of <see cref="SftpServerOptions.Users"/> (<c>AddInMemoryUsers</c>),
/// each turned into its account (<see cref="SshUser.ToAccount"/>) in an <see cref="InMemoryUserStore"/> of its own and
/// authenticated by the account authenticator, as every account is: passwords in any format
/// <see cref="SftpPasswordHasher"/> verifies (an unknown user or a user without a password costs what a wrong password
/// costs), authorized keys and certificates, and the required methods in order. The principal carries the account,
/// so in-memory users run through the session pipeline as the accounts of a store do. The store is not registered as
/// an <see cref="ISftpUserStore"/>: these users are configuration, not records an admin API edits.
/// </summary>
internal sealed class InMemoryAuthenticator : ISshAuthenticator
{
    private readonly AccountAuthenticator _accounts;

    public InMemoryAuthenticator(IOptions<SftpServerOptions> options, ILogger<AccountAuthenticator>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new InMemoryUserStore(options.Value.Users.Select(user => user.ToAccount()));
        _accounts = new AccountAuthenticator(store, logger ?? NullLogger<AccountAuthenticator>.Instance, time);
    }

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken) =>
        _accounts.AuthenticatePasswordAsync(context, password, cancellationToken);

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken) =>
        _accounts.AuthenticatePublicKeyAsync(context, key, cancellationToken);
}
