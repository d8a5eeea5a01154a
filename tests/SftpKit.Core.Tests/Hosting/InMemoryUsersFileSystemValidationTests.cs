using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Hosting;

/// <summary>
/// An in-memory user without a home directory fails at start when a subsystem would need one, instead of at the
/// user's first SFTP session.
/// </summary>
public sealed class InMemoryUsersFileSystemValidationTests
{
    private static ServiceProvider Build(Action<ISftpServerBuilder> configure, params SshUser[] users)
    {
        var services = new ServiceCollection();
        configure(services.AddSftpServer(o => o.Listen(IPAddress.Loopback, 0)).AddInMemoryUsers(users));
        return services.BuildServiceProvider();
    }

    private static OptionsValidationException ValidationFailure(ServiceProvider provider)
        => Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpServerOptions>>().Value);

    [Fact]
    public void Rejects_users_without_home_directory_under_AddSftp_naming_each_user_and_the_field()
    {
        using var provider = Build(b => b.AddSftp(),
            new SshUser { UserName = "alice", Password = "pw" },
            new SshUser { UserName = "bob", Password = "pw", HomeDirectory = "/srv/bob" },
            new SshUser { UserName = "carol", Password = "pw", HomeDirectory = " " });

        var failures = ValidationFailure(provider).Failures.ToList();

        Assert.Contains(failures, f => f.StartsWith("Users[0].HomeDirectory", StringComparison.Ordinal) && f.Contains("'alice'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Users[2].HomeDirectory", StringComparison.Ordinal) && f.Contains("'carol'", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("'bob'", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_a_missing_home_directory_together_with_the_other_option_errors()
    {
        var services = new ServiceCollection();
        services.AddSftpServer(o => o.Limits.MaxAuthAttempts = 0).AddInMemoryUsers(new SshUser { UserName = "alice" }).AddScp();
        using var provider = services.BuildServiceProvider();

        string all = string.Join("\n", ValidationFailure(provider).Failures);

        Assert.Contains("Limits.MaxAuthAttempts", all, StringComparison.Ordinal);
        Assert.Contains("Users[0].HomeDirectory is required for user 'alice'", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_users_without_home_directory_when_nothing_needs_a_file_system_or_a_provider_supplies_one()
    {
        var user = new SshUser { UserName = "alice", Password = "pw" };

        // No file-system subsystem: a host serving only its own subsystems or commands.
        AssertValid(Build(_ => { }, user));
        // Registered before or after AddSftp, the host's provider wins and gives the user a file system.
        AssertValid(Build(b => b.AddSftp().AddFileSystemProvider<MemoryFileSystems>(), user));
        AssertValid(Build(b => b.AddFileSystemProvider<MemoryFileSystems>().AddSftp(), user));

        static void AssertValid(ServiceProvider provider)
        {
            using (provider)
            {
                Assert.Single(provider.GetRequiredService<IOptions<SftpServerOptions>>().Value.Users);
            }
        }
    }

    [Fact]
    public async Task Host_start_fails_with_the_users_name_instead_of_the_first_session()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSftpServer(o => o.Listen(IPAddress.Loopback, 0))
            .AddInMemoryUsers(new SshUser { UserName = "alice", Password = "s3cret" })
            .AddSftp();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Users[0].HomeDirectory is required for user 'alice'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class MemoryFileSystems : ISftpFileSystemProvider
    {
        public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct)
            => ValueTask.FromResult<IVirtualFileSystem>(new InMemoryFileSystem());
    }
}
