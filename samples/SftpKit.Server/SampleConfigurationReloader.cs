using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Core;

namespace SftpKit.Server;

/// <summary>
/// Re-reads the configuration on SIGHUP (<c>systemctl reload sftpkit</c>) and when the configuration file changes. Only
/// the one file is watched (a non-recursive watcher on its directory, filtered to its name: the directory also holds
/// the SQLite database, whose every write would otherwise wake the watcher), and a burst of writes is read once, after
/// <see cref="Debounce"/> of quiet. A file that does not parse is refused before anything changes. What changed is
/// then logged by key name (never values); a configuration file that is gone changes nothing either: keys in <see cref="LiveKeys"/> apply at once — new connections get them, through
/// the options monitors of the server and its defender — and every other changed key is logged as needing a restart.
/// </summary>
internal sealed class SampleConfigurationReloader : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last change of the file before it is read: 500 ms.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Keys (and, ending in <c>:</c>, key prefixes) that take effect without a restart: the server's limits except
    /// <c>MaxUnauthenticatedConnections</c> and <c>ProxyHeaderTimeout</c>, the defender (scores, ban times, safe and
    /// block lists), host keys, algorithms, the version string and trusted user CAs (all for new connections), the log
    /// level (unless <c>--log-level</c> is given), and the defaults of S3 and SFTP storage and of SMTP (read per use).
    /// Event rules themselves live in the store and change through the admin API at any time.
    /// </summary>
    public static readonly string[] LiveKeys =
    [
        "SftpKit:Limits:", "SftpKit:Defender:", "SftpKit:HostKeyDirectory", "SftpKit:HostKeyFiles:", "SftpKit:Algorithms:",
        "SftpKit:ServerVersion", "SftpKit:TrustedUserCaKeys:", "SftpKit:Logging:Level", "SftpKit:S3:", "SftpKit:SftpStorage:", "SftpKit:Smtp:",
    ];

    private static readonly string[] RestartKeys = ["SftpKit:Limits:MaxUnauthenticatedConnections", "SftpKit:Limits:ProxyHeaderTimeout"];

    private readonly IConfigurationRoot _root;
    private readonly SampleConfiguration _paths;
    private readonly LoggingLevelSwitch _level;
    private readonly bool _levelFromFlag;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private Dictionary<string, string> _snapshot;
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;

    public SampleConfigurationReloader(IConfigurationRoot root, SampleConfiguration paths, LoggingLevelSwitch level, bool levelFromFlag, ILogger logger)
    {
        _root = root;
        _paths = paths;
        _level = level;
        _levelFromFlag = levelFromFlag;
        _logger = logger;
        _snapshot = Flatten(root);
        _timer = new Timer(_ => Reload("file changed"), null, Timeout.Infinite, Timeout.Infinite);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // not the default action (terminate)
                ThreadPool.QueueUserWorkItem(_ => Reload("SIGHUP"));
            });
        }
        if (_paths.ConfigFile is { } file)
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file))
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => _timer.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Renamed += (_, _) => _timer.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Reads the configuration again and applies or reports what changed.</summary>
    public void Reload(string trigger)
    {
        lock (_lock)
        {
            if (_paths.ConfigFile is { } missing && !File.Exists(missing))
            {
                // Read as empty, it would put every setting back to its default: a file moved away changes nothing.
                ServiceLog.ConfigurationReloadFailed(_logger, trigger, $"{missing} does not exist");
                return;
            }
            if (_paths.ConfigFile is { } file)
            {
                try
                {
                    // Parsed on the side first: a half-saved or broken file must not empty the running configuration.
                    var probe = new ConfigurationBuilder();
                    SampleConfiguration.Apply(probe, _paths.ConfigDirectory, file);
                    probe.Build();
                }
                catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or System.Text.Json.JsonException
                    or YamlDotNet.Core.YamlException)
                {
                    ServiceLog.ConfigurationReloadFailed(_logger, trigger, ex.Message);
                    return;
                }
            }
            try
            {
                _root.Reload();
            }
#pragma warning disable CA1031 // An options validator refusing the new values must not end the process; logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ServiceLog.ConfigurationReloadFailed(_logger, trigger, (ex as AggregateException)?.InnerException?.Message ?? ex.Message);
            }
            var now = Flatten(_root);
            var changed = now.Where(p => !_snapshot.TryGetValue(p.Key, out var old) || old != p.Value).Select(p => p.Key)
                .Concat(_snapshot.Keys.Where(k => !now.ContainsKey(k)))
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
            _snapshot = now;
            var live = changed.Where(IsLive).ToList();
            var restart = changed.Where(k => !IsLive(k)).ToList();
            ServiceLog.ConfigurationReloaded(_logger, trigger, live.Count == 0 ? "(none)" : string.Join(", ", live));
            if (restart.Count > 0)
            {
                ServiceLog.ConfigurationNeedsRestart(_logger, string.Join(", ", restart));
            }
            if (!_levelFromFlag && live.Any(k => k.Equals("SftpKit:Logging:Level", StringComparison.OrdinalIgnoreCase)))
            {
                string level = _root["SftpKit:Logging:Level"] ?? "info";
                try
                {
                    _level.MinimumLevel = SampleLoggingOptions.ParseLevel(level);
                    ServiceLog.LogLevelChanged(_logger, level);
                }
                catch (FormatException ex)
                {
                    ServiceLog.ConfigurationReloadFailed(_logger, trigger, ex.Message);
                }
            }
        }
    }

    /// <summary>True when <paramref name="key"/> applies without a restart.</summary>
    public static bool IsLive(string key) =>
        !RestartKeys.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase))
        && LiveKeys.Any(k => k.EndsWith(':') ? key.StartsWith(k, StringComparison.OrdinalIgnoreCase) : key.Equals(k, StringComparison.OrdinalIgnoreCase)
            || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> Flatten(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(p => p.Value is not null && p.Key.StartsWith("SftpKit:", StringComparison.OrdinalIgnoreCase))
            .GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Value!, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _sighup?.Dispose();
        _sighup = null;
        _watcher?.Dispose();
        _watcher = null;
        _timer.Dispose();
    }
}
