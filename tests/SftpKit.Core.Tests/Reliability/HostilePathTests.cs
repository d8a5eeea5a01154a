using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Reliability;

/// <summary>
/// A corpus of hostile paths (traversal, encodings, NUL and control bytes, long names, backslashes, links out of the
/// root, link swaps racing transfers) sent by paramiko over real SSH against <c>LocalFileSystem</c> and a virtual
/// folder (<c>MountedFileSystem</c>). Next to the user's root sits an <c>outside</c> directory with a secret; the
/// test snapshots everything outside the root and asserts nothing there was read, written, created or removed.
/// </summary>
public sealed class HostilePathTests : IAsyncLifetime
{
    private const string DebianPython = "/usr/bin/python3";
    private const string Secret = "TOP-SECRET-OUTSIDE-THE-ROOT";

    private readonly ITestOutputHelper _output;
    private readonly MountedSftpTestServer _server = new();

    public HostilePathTests(ITestOutputHelper output) => _output = output;

    private string Outside => Path.Combine(_server.Directory, "outside");

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret.txt"), Secret);
        // Targets for the racing remove, rmdir and rename: they exist only behind the link.
        await File.WriteAllTextAsync(Path.Combine(Outside, "victim.txt"), "outside victim");
        Directory.CreateDirectory(Path.Combine(Outside, "victim-dir"));
        // A link whose text is the secret: a raced readlink must never return it.
        File.CreateSymbolicLink(Path.Combine(Outside, "victim-link"), Secret);
        Directory.CreateDirectory(Path.Combine(_server.Home, "dir"));
        await File.WriteAllTextAsync(Path.Combine(_server.Home, "dir", "inside.txt"), "inside");
        await File.WriteAllTextAsync(Path.Combine(_server.Home, "control.txt"), "inside");
        // Links a local process made inside the root, pointing out of it.
        File.CreateSymbolicLink(Path.Combine(_server.Home, "out"), Outside);
        File.CreateSymbolicLink(Path.Combine(_server.Home, "outfile"), Path.Combine(Outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(_server.Home, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_server.Home, "rel"), "../outside/secret.txt");
        Directory.CreateDirectory(Path.Combine(_server.Home, "swap"));
        await File.WriteAllTextAsync(Path.Combine(_server.Home, "swap", "secret.txt"), "decoy");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>
    /// Every file and directory outside the user's roots, with a hash of each file's content and its metadata (mode,
    /// owner, link count, size, modification time), so a raced chmod, chown, utimes, truncate or hard link shows.
    /// </summary>
    private Dictionary<string, string> SnapshotOutside()
    {
        var snapshot = new Dictionary<string, string>();
        foreach (string path in Directory.EnumerateFileSystemEntries(_server.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string relative = Path.GetRelativePath(_server.Directory, path);
            if (relative.StartsWith("home", StringComparison.Ordinal) || relative.StartsWith("folder", StringComparison.Ordinal) || relative == "hostile.py")
            {
                continue;
            }
            var info = new FileInfo(path);
            string content = info.Attributes.HasFlag(FileAttributes.Directory) || info.LinkTarget is not null
                ? "dir-or-link"
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            string metadata = UnixNative.LStat(path, out _) is { } stat
                ? FormattableString.Invariant($"{stat.Mode:x} {stat.Uid}:{stat.Gid} n{stat.LinkCount} {stat.Size} {stat.WriteTime.UtcTicks}")
                : FormattableString.Invariant($"{info.LastWriteTimeUtc.Ticks}");
            snapshot[relative] = content + " " + metadata;
        }
        return snapshot;
    }

    [Fact]
    public async Task Hostile_path_corpus_and_link_swap_races_never_escape_the_root()
    {
        var before = SnapshotOutside();
        const string script = """
            import sys, os, shutil, threading, paramiko
            port, user, key, home, outside, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6].encode()
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, pkey=paramiko.Ed25519Key.from_private_key_file(key))
            s = paramiko.SFTPClient.from_transport(t)
            corpus = [b"../outside/secret.txt", b"/../outside/secret.txt", b"../../../../../../etc/passwd", b"dir/../../outside/secret.txt",
                b"..%2foutside%2fsecret.txt", b"%2e%2e/outside/secret.txt", b"..\\outside\\secret.txt", b"\\..\\outside\\secret.txt",
                b"....//outside/secret.txt", b"./../outside/secret.txt", b"\xc0\xae\xc0\xae/outside/secret.txt", b"\xe0\x80\xae\xe0\x80\xae/outside",
                b"..\x00/outside/secret.txt", b"dir\x00../../outside/secret.txt", b"a\nb", b"\x1b[31m", b"x" * 5000, (b"d/" * 3000) + b"x",
                b"out/secret.txt", b"outfile", b"rel", b"etc/passwd", b"/etc/hostname", b"etc/../../outside/secret.txt", b"~/../outside/secret.txt",
                b"/folder/../outside/secret.txt", b"/folder/../../outside/secret.txt", b"/folder/out/secret.txt", b"//outside/secret.txt"]
            leaked = []
            chown = sys.argv[8] == "1"
            listed = 0
            def attempt(name, fn):
                try:
                    result = fn()
                    if result is not None and secret in (result if isinstance(result, bytes) else str(result).encode()):
                        leaked.append(name)
                except (IOError, OSError, UnicodeError, EOFError, paramiko.SSHException):
                    pass
            def escape(name, fn):
                # The target exists only outside the root: succeeding at all means the request went there.
                try:
                    fn()
                    leaked.append(name)
                except IOError:
                    pass
            def read(p):
                with s.open(p, "rb") as f:
                    return f.read()
            def write(p):
                with s.open(p, "wb") as f:
                    f.write(b"escaped")
            for p in corpus:
                attempt(p, lambda: read(p))
                attempt(p, lambda: s.stat(p))
                attempt(p, lambda: s.lstat(p))
                attempt(p, lambda: s.listdir(p))
                attempt(p, lambda: s.readlink(p))
                attempt(p, lambda: s.normalize(p))
                attempt(p, lambda: write(p + b".new"))
                attempt(p, lambda: s.mkdir(p + b"d"))
                attempt(p, lambda: s.rename("dir/inside.txt", p + b".moved"))
                attempt(p, lambda: s.symlink(p, b"link-" + str(len(p)).encode()))
                attempt(p, lambda: s.posix_rename(p, b"taken"))
                attempt(p, lambda: s.remove(p))
                attempt(p, lambda: s.chmod(p, 0o777))
            # Links the client makes to outside targets must never be followed out of the root.
            for target in [outside.encode() + b"/secret.txt", b"../outside/secret.txt", b"/etc/passwd"]:
                attempt(target, lambda: s.symlink(target, "mylink"))
                attempt(target, lambda: read("mylink"))
                attempt(target, lambda: write("mylink"))
                attempt(target, lambda: s.remove("mylink"))
            for target in [b"out/secret.txt", b"outfile", b"rel", b"../outside/secret.txt"]:
                attempt(target, lambda: s._request(paramiko.sftp.CMD_EXTENDED, "hardlink@openssh.com", target, "hl"))
                attempt(target, lambda: read("hl"))
                attempt(target, lambda: s.remove("hl"))
            # A local process swaps "swap" between a directory and a link out of the root while transfers run.
            stop = threading.Event()
            def swapper():
                d, l, tmp = os.path.join(home, "swap"), os.path.join(home, "swap-link"), os.path.join(home, "swap-dir")
                os.symlink(outside, l)
                while not stop.is_set():
                    os.rename(d, tmp); os.rename(l, d)
                    os.rename(d, l); os.rename(tmp, d)
            th = threading.Thread(target=swapper); th.start()
            races = 0
            decoys = 0
            for i in range(int(sys.argv[7])):
                try:
                    if read("swap/secret.txt") == b"decoy":
                        decoys += 1
                except IOError:
                    pass
                attempt("race-read", lambda: read("swap/secret.txt"))
                attempt("race-write", lambda: write("swap/upload-%d.txt" % i))
                # Path operations race the swap too: none may create, move or remove anything behind the link.
                attempt("race-mkdir", lambda: s.mkdir("swap/dir-%d" % i))
                attempt("race-rename", lambda: s.rename("swap/upload-%d.txt" % i, "swap/moved-%d.txt" % i))
                attempt("race-rename-in", lambda: s.rename("swap/victim.txt", "taken-%d.txt" % i))
                attempt("race-remove", lambda: s.remove("swap/victim.txt"))
                attempt("race-rmdir", lambda: s.rmdir("swap/victim-dir"))
                # Attribute changes, links and reads of what exists only behind the link: any success is an escape,
                # and the snapshot shows any change outside.
                escape("race-chmod", lambda: s.chmod("swap/victim.txt", 0o777))
                escape("race-chmod-dir", lambda: s.chmod("swap/victim-dir", 0o777))
                escape("race-utimes", lambda: s.utime("swap/victim.txt", (1000000000, 1000000000)))
                escape("race-truncate", lambda: s.truncate("swap/victim.txt", 1))
                if chown:
                    escape("race-chown", lambda: s.chown("swap/victim.txt", 4242, 4242))
                escape("race-stat", lambda: s.stat("swap/victim.txt"))
                escape("race-lstat", lambda: s.lstat("swap/victim-link"))
                escape("race-readlink", lambda: s.readlink("swap/victim-link"))
                escape("race-hardlink-out", lambda: s._request(paramiko.sftp.CMD_EXTENDED, "hardlink@openssh.com", "swap/victim.txt", "hl-in-%d" % i))
                attempt("race-hardlink-into", lambda: s._request(paramiko.sftp.CMD_EXTENDED, "hardlink@openssh.com", "control.txt", "swap/hl-%d" % i))
                attempt("race-symlink", lambda: s.symlink("control.txt", "swap/sl-%d" % i))
                try:
                    names = s.listdir("swap")
                    listed += 1
                    if "victim.txt" in names or "victim-dir" in names or "victim-link" in names:
                        leaked.append("race-listdir")
                except IOError:
                    pass
                races += 1
            stop.set(); th.join()
            print("races", races)
            print("listed", listed > 0)
            print("control", read("control.txt"), decoys > 0)
            print("leaked", leaked)
            """;
        string scriptPath = Path.Combine(_server.Directory, "hostile.py");
        await File.WriteAllTextAsync(scriptPath, script);
        int races = int.TryParse(Environment.GetEnvironmentVariable("SFTPKIT_SWAP_RACES"), out int n) ? n : 300;
        var result = await ProcessRunner.RunAsync(DebianPython,
            [scriptPath, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", _server.ClientKey,
             _server.Home, Outside, Secret, races.ToString(System.Globalization.CultureInfo.InvariantCulture), UnixNative.IsRoot ? "1" : "0"],
            timeout: TimeSpan.FromMinutes(5));
        _output.WriteLine(result.Text);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains($"races {races}", result.Text, StringComparison.Ordinal);
        Assert.Contains("leaked []", result.Text, StringComparison.Ordinal);
        Assert.Contains("listed True", result.Text, StringComparison.Ordinal); // listings of the swapped directory did run
        Assert.Contains("control b'inside' True", result.Text, StringComparison.Ordinal); // the same requests do work inside
        var after = SnapshotOutside();
        var changed = before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(changed.Count == 0, "changed outside the root: " + string.Join(", ", changed));
        // Nothing named like the corpus' targets appeared outside either root.
        Assert.Equal(["secret.txt", "victim-dir", "victim-link", "victim.txt"],
            Directory.EnumerateFileSystemEntries(Outside).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // No hard link to an outside file appeared inside the root.
        Assert.DoesNotContain(Directory.EnumerateFiles(_server.Home, "hl-in-*"), f => File.ReadAllText(f) == "outside victim");
        Assert.Equal(Secret, await File.ReadAllTextAsync(Path.Combine(Outside, "secret.txt")));
    }

    /// <summary>
    /// A real server whose user sees a <c>MountedFileSystem</c>: <c>LocalFileSystem</c> over <c>home</c> with a
    /// virtual folder <c>/folder</c> (a second <c>LocalFileSystem</c> over <c>folder</c>).
    /// </summary>
    private sealed class MountedSftpTestServer : IAsyncLifetime
    {
        private IHost? _host;

        public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-hostile-" + Guid.NewGuid().ToString("N")[..12]);

        public string Home => Path.Combine(Directory, "home");

        public string ClientKey => Path.Combine(Directory, "client_ed25519");

        public int Port { get; private set; }

        public async ValueTask InitializeAsync()
        {
            System.IO.Directory.CreateDirectory(Home);
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "folder"));
            string hostKey = Path.Combine(Directory, "host_ed25519");
            await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
            await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
            var fs = new MountedFileSystem(new LocalFileSystem(new LocalFileSystemOptions { RootPath = Home }),
                new VfsMount("/folder", new LocalFileSystem(new LocalFileSystemOptions { RootPath = Path.Combine(Directory, "folder") })));
            var key = SshPublicKey.ParseAuthorizedKey(File.ReadAllText(ClientKey + ".pub"));
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<ISshAuthenticator>(new KeyAuthenticator(key, fs));
            builder.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyFiles.Add(hostKey);
                    o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                    o.Defender.Enabled = false;
                })
                .AddSftp();
            _host = builder.Build();
            await _host.StartAsync();
            Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.StopAsync();
                _host.Dispose();
            }
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        private sealed class KeyAuthenticator(SshPublicKey key, IVirtualFileSystem fileSystem) : ISshAuthenticator
        {
            public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
                => ValueTask.FromResult(SshAuthResult.Failed);

            public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey offered, CancellationToken cancellationToken)
            {
                if (!offered.Equals(key))
                {
                    return ValueTask.FromResult(SshAuthResult.Failed);
                }
                var principal = new SshPrincipal(context.UserName).SetFeature(fileSystem);
                return ValueTask.FromResult(SshAuthResult.Success(principal));
            }
        }
    }
}
