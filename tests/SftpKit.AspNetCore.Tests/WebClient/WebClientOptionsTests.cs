using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.AspNetCore.WebClient;

namespace SftpKit.AspNetCore.Tests.WebClient;

public sealed class WebClientOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_every_bad_value_is_reported_at_once()
    {
        var validator = new SftpWebClientOptionsValidator();
        Assert.True(validator.Validate(null, new SftpWebClientOptions()).Succeeded);
        var result = validator.Validate(null, new SftpWebClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(5),
            CookieName = "bad name;",
            MaxUploadFiles = 0,
            MaxZipEntries = 0,
            MaxTreeDepth = 1000,
            MaxPublicKeys = 0,
            MinPasswordLength = 0,
        });
        Assert.True(result.Failed);
        Assert.Equal(7, result.Failures!.Count());
    }

    [Fact]
    public void Mapping_without_registration_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSftpWebClient());
        Assert.Contains("AddSftpWebClient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_bind_from_the_web_client_section()
    {
        var services = new ServiceCollection();
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SftpKit:WebClient:MaxZipEntries"] = "42" }).Build();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddSftpWebClient();
        using var provider = services.BuildServiceProvider();
        Assert.Equal(42, provider.GetRequiredService<IOptions<SftpWebClientOptions>>().Value.MaxZipEntries);
        Assert.Equal(TimeSpan.FromMinutes(20), provider.GetRequiredService<IOptions<SftpWebClientOptions>>().Value.SessionTimeout);
    }
}
