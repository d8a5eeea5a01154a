using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>The SQL options validator reports every problem at once, and a host with a bad value fails at start.</summary>
public sealed class SqlStoreOptionsValidatorTests
{
    [Fact]
    public void Reports_both_bad_values_at_once()
    {
        var options = new SqlStoreOptions { ConnectionString = "Data Source=:memory:", AuthCacheMaxEntries = 0, CommandTimeoutSeconds = 0 };

        var result = new SqlStoreOptionsValidator().Validate(null, options);

        Assert.Equal(["SftpKit:Sql:AuthCacheMaxEntries must be at least 1.", "SftpKit:Sql:CommandTimeoutSeconds must be at least 1."], result.Failures);
    }

    [Fact]
    public async Task A_host_with_bad_sql_options_in_configuration_fails_at_start_naming_both()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Sql:ConnectionString"] = "",
            ["SftpKit:Sql:AuthCacheDuration"] = "-00:00:01",
        });
        builder.Services.AddSftpServer(o => o.HostKeyDirectory = Path.GetTempPath()).AddSqlUserStore();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(SqlStoreOptions), error.OptionsType);
        Assert.Equal(["SftpKit:Sql:ConnectionString is required.", "SftpKit:Sql:AuthCacheDuration must not be negative."], error.Failures);
    }
}
