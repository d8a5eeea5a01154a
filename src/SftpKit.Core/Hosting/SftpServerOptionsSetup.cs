using Microsoft.Extensions.Configuration;

namespace SftpKit.Hosting;

/// <summary>
/// What binding <see cref="SftpServerOptions"/> from the <c>SftpKit</c> section adds to the plain binding: the
/// <c>Listen</c> list fills <see cref="SftpServerOptions.Endpoints"/>, and the algorithm lists, which have defaults,
/// are replaced, not appended to, when configuration names them.
/// </summary>
internal static class SftpServerOptionsSetup
{
    public static void BindMore(IConfigurationSection section, SftpServerOptions options)
    {
        section.GetSection("Listen").Bind(options.Endpoints);
        BindList(section.GetSection("Algorithms:KeyExchange"), options.Algorithms.KeyExchange);
        BindList(section.GetSection("Algorithms:HostKeys"), options.Algorithms.HostKeys);
        BindList(section.GetSection("Algorithms:Ciphers"), options.Algorithms.Ciphers);
        BindList(section.GetSection("Algorithms:Macs"), options.Algorithms.Macs);
    }

    private static void BindList(IConfigurationSection section, IList<string> target)
    {
        var values = section.Get<string[]>();
        if (values is { Length: > 0 })
        {
            target.Clear();
            foreach (var value in values)
            {
                target.Add(value);
            }
        }
    }
}
