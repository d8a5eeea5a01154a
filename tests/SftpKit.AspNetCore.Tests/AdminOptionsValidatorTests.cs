using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.AspNetCore.Authentication;

namespace SftpKit.AspNetCore.Tests;

/// <summary>The admin API's options validators report every problem at once; the options bind from their sections.</summary>
public sealed class AdminOptionsValidatorTests
{
    [Fact]
    public void Admin_options_validator_reports_both_bad_values()
    {
        var result = new SftpAdminOptionsValidator().Validate(null, new SftpAdminOptions { MaxPageSize = 0, QuotaScanHistory = -1 });

        Assert.Equal(["SftpKit:Admin:QuotaScanHistory must be from 0 to 100000.", "SftpKit:Admin:MaxPageSize must be from 1 to 100000."], result.Failures);
    }

    [Fact]
    public void Authentication_options_validator_reports_both_bad_values()
    {
        var result = new SftpAdminAuthenticationOptionsValidator().Validate(null,
            new SftpAdminAuthenticationOptions { SigningKey = "short", TokenLifetime = TimeSpan.Zero });

        Assert.Equal(
            [
                "SftpKit:Admin:Authentication:SigningKey must be at least 32 characters (or unset for a random key per start).",
                "SftpKit:Admin:Authentication:TokenLifetime must be from 1 minute to 24 hours.",
            ],
            result.Failures);
    }

    [Fact]
    public void Options_bind_from_their_sections_and_a_bare_service_collection_needs_no_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Admin:MaxPageSize"] = "50",
            ["SftpKit:Admin:Authentication:TokenLifetime"] = "00:10:00",
        }).Build());
        services.AddSftpAdmin(o => o.QuotaScanHistory = 5);
        services.AddSftpAdminAuthentication();
        using (var provider = services.BuildServiceProvider())
        {
            Assert.Equal(50, provider.GetRequiredService<IOptions<SftpAdminOptions>>().Value.MaxPageSize);
            Assert.Equal(5, provider.GetRequiredService<IOptions<SftpAdminOptions>>().Value.QuotaScanHistory);
            Assert.Equal(TimeSpan.FromMinutes(10), provider.GetRequiredService<IOptions<SftpAdminAuthenticationOptions>>().Value.TokenLifetime);
        }

        var bare = new ServiceCollection();
        bare.AddSftpAdmin();
        using var bareProvider = bare.BuildServiceProvider();
        Assert.Equal(new SftpAdminOptions().MaxPageSize, bareProvider.GetRequiredService<IOptions<SftpAdminOptions>>().Value.MaxPageSize);
    }
}
