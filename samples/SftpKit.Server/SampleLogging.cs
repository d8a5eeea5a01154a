using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace SftpKit.Server;

/// <summary>
/// Log settings (configuration <c>SftpKit:Logging</c>, overridden by the <c>--log-*</c> flags). Logs are JSON lines
/// (Serilog's compact format: <c>@t</c>, <c>@mt</c>, <c>@l</c>, properties, <c>EventId</c>) on stdout, or in a file
/// that rotates at <see cref="MaxSize"/> when <see cref="FilePath"/> is set.
/// </summary>
internal sealed class SampleLoggingOptions
{
    /// <summary>Log file; relative to the config directory. Defaults to none: logs go to stdout.</summary>
    public string? FilePath { get; set; }

    /// <summary>Size at which the file rotates: bytes, or a number with KB/MB/GB (a bare number is MB). Defaults to 10MB.</summary>
    public string MaxSize { get; set; } = "10MB";

    /// <summary>Rotated files kept (0 = all). Defaults to 5.</summary>
    public int MaxBackups { get; set; } = 5;

    /// <summary>Days a rotated file is kept (0 = no age limit). Defaults to 28.</summary>
    public double MaxAge { get; set; } = 28;

    /// <summary>Gzip rotated files (<c>NAME-TIMESTAMP.log.gz</c>). Defaults to false.</summary>
    public bool Compress { get; set; }

    /// <summary>debug, info, warn or error (or a Serilog level name). Defaults to info.</summary>
    public string Level { get; set; } = "info";

    public static SampleLoggingOptions From(IConfiguration configuration, ServeArguments? arguments)
    {
        var options = new SampleLoggingOptions();
        configuration.GetSection("SftpKit:Logging").Bind(options);
        if (arguments is not null)
        {
            options.FilePath = arguments.LogFilePath ?? options.FilePath;
            options.MaxSize = arguments.LogMaxSize ?? options.MaxSize;
            options.MaxBackups = arguments.LogMaxBackups ?? options.MaxBackups;
            options.MaxAge = arguments.LogMaxAge ?? options.MaxAge;
            options.Compress = arguments.LogCompress ?? options.Compress;
            options.Level = arguments.LogLevel ?? options.Level;
        }
        return options;
    }

    /// <summary>Parses <c>1048576</c>, <c>512KB</c>, <c>10MB</c>, <c>1GB</c> (KiB/MiB/GiB too); a bare number is MB.</summary>
    public static long ParseSize(string text)
    {
        string value = text.Trim();
        long unit = 1024 * 1024;
        foreach (var (suffix, size) in new[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30), ("B", 1L) })
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = size;
                value = value[..^suffix.Length].Trim();
                break;
            }
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number <= 0 || number * unit > long.MaxValue / 2)
        {
            throw new FormatException($"Log size '{text}' is not a positive size such as 10MB or 512KB.");
        }
        return Math.Max(1024, (long)(number * unit));
    }

    public static LogEventLevel ParseLevel(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRACE" or "VERBOSE" => LogEventLevel.Verbose,
        "DEBUG" => LogEventLevel.Debug,
        "INFO" or "INFORMATION" => LogEventLevel.Information,
        "WARN" or "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        "FATAL" or "CRITICAL" => LogEventLevel.Fatal,
        _ => throw new FormatException($"Log level '{text}' is not one of debug, info, warn, error."),
    };
}

/// <summary>Builds the Serilog logger from <see cref="SampleLoggingOptions"/>.</summary>
internal static class SampleLogging
{
    /// <param name="levelSwitch">When given, the minimum level follows it (a configuration reload changes it); set to the options' level here.</param>
    public static Logger CreateLogger(IConfiguration configuration, SampleLoggingOptions options, SampleConfiguration paths, LoggingLevelSwitch? levelSwitch = null)
    {
        var level = SampleLoggingOptions.ParseLevel(options.Level);
        var formatter = new CompactJsonFormatter();
        var logger = new LoggerConfiguration()
            // Advanced settings (level overrides, enrichers) from SftpKit:Serilog in Serilog.Settings.Configuration's shape.
            .ReadFrom.Configuration(configuration, new ConfigurationReaderOptions { SectionName = "SftpKit:Serilog" })
            .MinimumLevel.ControlledBy(levelSwitch is null ? new LoggingLevelSwitch(level) : SetLevel(levelSwitch, level))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (options.FilePath is { Length: > 0 } file)
        {
            string path = paths.Resolve(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TimeSpan? maxAge = options.MaxAge > 0 ? TimeSpan.FromDays(options.MaxAge) : null;
            int? backups = options.MaxBackups > 0 ? options.MaxBackups : null;
            logger.WriteTo.File(
                formatter,
                path,
                fileSizeLimitBytes: SampleLoggingOptions.ParseSize(options.MaxSize),
                rollOnFileSizeLimit: true,
                rollingInterval: RollingInterval.Infinite,
                // Serilog counts the active file among the retained ones; compressed backups are pruned by the hooks.
                retainedFileCountLimit: options.Compress ? null : backups + 1,
                retainedFileTimeLimit: options.Compress ? null : maxAge,
                hooks: options.Compress ? new GzipRotatedLogs(path, backups, maxAge) : null);
        }
        else
        {
            logger.WriteTo.Sink(new JsonLinesConsoleSink(formatter));
        }
        return logger.CreateLogger();
    }

    private static LoggingLevelSwitch SetLevel(LoggingLevelSwitch levelSwitch, LogEventLevel level)
    {
        levelSwitch.MinimumLevel = level;
        return levelSwitch;
    }
}

/// <summary>
/// Writes each event as one line on stdout with one write call per line (the console's own writer flushes every
/// 256 bytes, so a transfer record took three system calls). Lines are encoded into a pooled buffer.
/// </summary>
internal sealed class JsonLinesConsoleSink(ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _lock = new();
    private readonly Stream _stdout = Console.OpenStandardOutput();

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter(CultureInfo.InvariantCulture);
        formatter.Format(logEvent, line);
        string text = line.ToString();
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(text, bytes);
            lock (_lock)
            {
                _stdout.Write(bytes, 0, length);
                _stdout.Flush();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
