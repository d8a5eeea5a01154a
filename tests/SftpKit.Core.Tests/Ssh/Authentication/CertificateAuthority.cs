using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>CA and user keys made by ssh-keygen in a scratch directory, and certificates signed with <c>ssh-keygen -s</c>.</summary>
public sealed class CertificateAuthority : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-certs-" + Guid.NewGuid().ToString("N")[..12]);

    public static readonly (string Name, string Type, string Bits)[] CaKeys = [("ca_ed25519", "ed25519", ""), ("ca_rsa", "rsa", "3072"), ("ca_ecdsa", "ecdsa", "384")];

    public static readonly (string Name, string Type, string Bits)[] UserKeys = [("user_ed25519", "ed25519", ""), ("user_rsa", "rsa", "2048"), ("user_ecdsa", "ecdsa", "256")];

    public async Task CreateKeysAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (name, type, bits) in CaKeys.Concat(UserKeys).Append(("untrusted_ca", "ed25519", "")))
        {
            await TestServer.KeyGenAsync(PathOf(name), type, bits, pem: false);
        }
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string PublicLine(string name) => File.ReadAllText(PathOf(name) + ".pub").Trim();

    /// <summary>
    /// Copies a user key to <paramref name="name"/> and signs its public half with the CA; returns the private key path
    /// (its certificate is PATH-cert.pub). Times are given to ssh-keygen in UTC.
    /// </summary>
    public async Task<string> SignAsync(string name, string userKey, string ca, string principals, string validity = "-5m:+1h",
        bool host = false, params string[] options)
    {
        string key = PathOf(name);
        File.Copy(PathOf(userKey), key, overwrite: true);
        File.Copy(PathOf(userKey) + ".pub", key + ".pub", overwrite: true);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var args = new List<string> { "-q", "-s", PathOf(ca), "-I", "id-" + name, "-z", "42", "-V", validity };
        if (principals.Length > 0)
        {
            args.AddRange(["-n", principals]);
        }
        if (host)
        {
            args.Add("-h");
        }
        foreach (var option in options)
        {
            args.AddRange(["-O", option]);
        }
        args.Add(key + ".pub");
        var result = await ProcessRunner.RunAsync("ssh-keygen", args, environment: new Dictionary<string, string> { ["TZ"] = "UTC" });
        Assert.True(result.ExitCode == 0, result.StandardError);
        return key;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records every observer call, in order.</summary>
public sealed class RecordingObserver : ISshAuthenticationObserver
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Call> _calls = new();

    public sealed record Call(string UserName, string Method, bool Succeeded, SshAuthFailureReason Reason, string[] PassedMethods);

    public IReadOnlyList<Call> Calls => _calls.ToArray();

    public void Clear() => _calls.Clear();

    public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal) =>
        _calls.Enqueue(new Call(principal.UserName, method, true, SshAuthFailureReason.None, [.. context.PassedMethods]));

    public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason) =>
        _calls.Enqueue(new Call(context.UserName, method, false, reason, [.. context.PassedMethods]));
}

/// <summary>An observer with a bug: the server must log it and carry on.</summary>
public sealed class ThrowingObserver : ISshAuthenticationObserver
{
    public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal) => throw new InvalidOperationException("observer bug");

    public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason) => throw new InvalidOperationException("observer bug");
}
