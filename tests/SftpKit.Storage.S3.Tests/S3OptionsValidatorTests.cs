using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Storage.S3;

namespace SftpKit.Tests.Storage.S3;

/// <summary>The S3 options validator reports every problem at once; the defaults bind from <c>SftpKit:S3</c>.</summary>
public sealed class S3OptionsValidatorTests
{
    [Fact]
    public void Reports_both_bad_values_at_once()
    {
        var options = new S3FileSystemOptions { Bucket = "b", Region = "eu-west-1", UploadConcurrency = -1, MaxRenameObjects = -1 };

        var result = new S3FileSystemOptionsValidator().Validate(null, options);

        Assert.Equal(
            [$"S3 UploadConcurrency must be between 0 and {S3FileSystemOptions.MaxConcurrency}.", "S3 MaxRenameObjects must not be negative."],
            result.Failures);
        Assert.Empty(S3FileSystemOptionsValidator.Errors(new S3FileSystemOptions { Bucket = "b", Region = "eu-west-1" }));
    }

    [Fact]
    public void Defaults_bind_from_the_section_and_are_not_checked_at_registration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:S3:Region"] = "eu-west-1",
            ["SftpKit:S3:UploadConcurrency"] = "3",
        }).Build());
        services.AddSftpServer().AddS3Storage(o => o.KeyPrefix = "p/");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<S3FileSystemOptions>>().Value;

        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(3, options.UploadConcurrency);
        Assert.Equal("p/", options.KeyPrefix);
        Assert.Null(options.Bucket); // an account's settings name the bucket
    }
}
