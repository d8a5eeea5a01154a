using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.Server;

/// <summary>Applies the <c>--user</c> and <c>--authorized-key</c> flags to the account store before the server starts.</summary>
internal static class SampleAccounts
{
    public static async Task SeedAsync(IServiceProvider services, SampleCommandLine cli)
    {
        var store = services.GetRequiredService<ISftpUserStore>();
        foreach (var user in cli.Users)
        {
            var account = await store.FindAsync(user.UserName, CancellationToken.None);
            bool exists = account is not null;
            account ??= new SftpAccount
            {
                UserName = user.UserName,
                HomeDirectory = Path.GetFullPath(Path.Combine(cli.ConfigDirectory, "home", user.UserName)),
            };
            if (user.Password is { Length: > 0 } password
                && (account.PasswordHash is null || SftpPasswordHasher.Verify(account.PasswordHash, password) == PasswordVerificationResult.Failed))
            {
                account.PasswordHash = SftpPasswordHasher.Hash(password);
            }
            foreach (string key in user.AuthorizedKeys.Where(k => !account.PublicKeys.Contains(k)))
            {
                account.PublicKeys.Add(key);
            }
            if (exists)
            {
                await store.UpdateAsync(account, CancellationToken.None);
            }
            else
            {
                await store.CreateAsync(account, CancellationToken.None);
            }
        }
    }
}
