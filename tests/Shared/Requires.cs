using System.Diagnostics.CodeAnalysis;

namespace SftpKit.Tests;

/// <summary>
/// What a test needs from the machine: a service (a database, s3rver, haproxy), a tool (a client program) or a
/// privilege (root, FUSE). When it is missing, the test is a real skip that the run's summary counts — or, when
/// <c>CI=true</c> or <c>SFTPKIT_REQUIRE_SERVICES=1</c>, a failure that names what is missing and how to get it, so a
/// green CI run never hides a test that did not run.
/// </summary>
public static class Requires
{
    /// <summary>True when a missing requirement must fail the test instead of skipping it.</summary>
    public static bool Strict =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("SFTPKIT_REQUIRE_SERVICES") == "1";

    /// <summary>Stops the test (skip, or failure under <see cref="Strict"/>) unless <paramref name="available"/>.</summary>
    /// <param name="available">Whether the requirement is met.</param>
    /// <param name="what">What is missing, e.g. "PostgreSQL (SFTPKIT_TEST_POSTGRES)".</param>
    /// <param name="howToGet">How to provide it, e.g. "scripts/test.sh starts one on 127.0.0.1".</param>
    public static void That([DoesNotReturnIf(false)] bool available, string what, string howToGet)
    {
        if (!available)
        {
            Missing(what, howToGet);
        }
    }

    /// <summary>Stops the test because <paramref name="what"/> is missing (skip, or failure under <see cref="Strict"/>).</summary>
    [DoesNotReturn]
    public static void Missing(string what, string howToGet)
    {
        string message = $"{what} is not available on this machine; {howToGet}.";
        if (Strict)
        {
            Assert.Fail($"Required by this test run (CI=true or SFTPKIT_REQUIRE_SERVICES=1): {message}");
        }

        Assert.Skip(message);
        throw new InvalidOperationException("unreachable"); // Assert.Skip always throws.
    }

    /// <summary>Requires a program on PATH (or an absolute path that exists); returns its full path.</summary>
    public static string Tool(string tool, string howToGet)
    {
        string? path = FindOnPath(tool);
        That(path is not null, $"the program '{tool}'", howToGet);
        return path;
    }

    /// <summary>Requires the value of an environment variable naming a service (e.g. a connection string).</summary>
    public static string Variable(string variable, string service, string howToGet)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        That(!string.IsNullOrWhiteSpace(value), $"{service} (environment variable {variable})", howToGet);
        return value;
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? FindOnPath(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : null;
        }

        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string directory in directories.Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
