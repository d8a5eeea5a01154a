using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Core;

namespace SftpKit.Server;

/// <summary>The service behaviour of <c>serve</c>: reload on SIGHUP and on a change of the configuration file.</summary>
internal static class SampleServiceSetup
{
    public static void Add(IHostApplicationBuilder builder, IConfigurationRoot configuration, SampleConfiguration paths, LoggingLevelSwitch levelSwitch,
        bool levelFromFlag, ILogger logger)
    {
        builder.Services.AddSingleton(_ => new SampleConfigurationReloader(configuration, paths, levelSwitch, levelFromFlag, logger));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SampleConfigurationReloader>());
    }
}
