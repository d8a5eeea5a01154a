using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Server;

/// <summary>Applies the <c>--user NAME:PASSWORD</c> and <c>--authorized-key NAME:PATH</c> flags to the account store.</summary>
internal static class SampleAccounts
{
    public static async Task SeedAsync(IServiceProvider services, SampleConfiguration paths, ServeArguments arguments, ILogger logger,
        CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, (string? Password, List<string> Keys)>(StringComparer.Ordinal);
        foreach (string user in arguments.Users)
        {
            var (name, password) = Split(user, "--user takes NAME:PASSWORD.");
            wanted[name] = (password, wanted.TryGetValue(name, out var known) ? known.Keys : []);
        }
        foreach (string key in arguments.AuthorizedKeys)
        {
            var (name, path) = Split(key, "--authorized-key takes NAME:PATH.");
            if (!wanted.TryGetValue(name, out var entry))
            {
                entry = (null, []);
                wanted[name] = entry;
            }
            entry.Keys.AddRange(ReadAuthorizedKeys(path));
        }

        var store = services.GetRequiredService<ISftpUserStore>();
        foreach (var (name, (password, keys)) in wanted)
        {
            var account = await store.FindAsync(name, cancellationToken);
            bool exists = account is not null;
            account ??= new SftpAccount { UserName = name, HomeDirectory = SampleServices.DefaultHome(paths, name) };
            if (password is { Length: > 0 }
                && (account.PasswordHash is null || SftpPasswordHasher.Verify(account.PasswordHash, password) == PasswordVerificationResult.Failed))
            {
                account.PasswordHash = SftpPasswordHasher.Hash(password);
            }
            foreach (string key in keys.Where(k => !account.PublicKeys.Contains(k)))
            {
                account.PublicKeys.Add(key);
            }
            if (exists)
            {
                await store.UpdateAsync(account, cancellationToken);
            }
            else
            {
                await store.CreateAsync(account, cancellationToken);
            }
            SampleLog.AccountSeeded(logger, name, exists ? "updated" : "created");
        }
    }

    /// <summary>The key lines of an authorized_keys file (blank lines and comments skipped).</summary>
    public static IEnumerable<string> ReadAuthorizedKeys(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static (string Name, string Value) Split(string value, string error)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (value[..colon], value[(colon + 1)..]) : throw new ArgumentException(error);
    }
}
