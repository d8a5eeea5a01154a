using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Authentication.Ldap;

/// <summary>
/// A throwaway OpenLDAP server (Debian's slapd) for the tests: a config file and database in a temporary directory,
/// listening on 127.0.0.1 on a free port, seeded with <c>ldapadd</c>: <c>dc=example,dc=org</c> with people alice
/// (in the groups sftp-ops and staff, an ssh key), bob (disabled: <c>employeeType: disabled</c>) and carol (in no
/// group), and the service account <c>cn=reader</c>. Stopped and removed on dispose.
/// </summary>
public sealed class SlapdServer : IAsyncLifetime
{
    public const string BaseDn = "dc=example,dc=org";
    public const string People = "ou=people," + BaseDn;
    public const string GroupsDn = "ou=groups," + BaseDn;
    public const string ReaderDn = "cn=reader," + BaseDn;
    public const string ReaderPassword = "reader pw";
    public const string AlicePassword = "alice pw";
    public const string BobPassword = "bob pw";
    public const string CarolPassword = "carol pw";

    private Process? _slapd;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sftpkit-slapd-").FullName;

    public int Port { get; private set; }

    /// <summary>The LDAPS listener's port (0 without openssl: no TLS).</summary>
    public int TlsPort { get; private set; }

    /// <summary>A directory holding the test CA under its hashed name, for <c>TrustedCertificatesDirectory</c>.</summary>
    public string CaDirectory => Path.Combine(Directory, "tls", "cadir");

    /// <summary>Alice's home directory, as her entry's homeDirectory names it.</summary>
    public string AliceHome => Path.Combine(Directory, "homes", "alice");

    /// <summary>Alice's client key (private key file) whose public half is her entry's sshPublicKey.</summary>
    public string AliceKey => Path.Combine(Directory, "alice_ed25519");

    /// <summary>Why the server is not available (a missing program), or null when it runs.</summary>
    public string? Missing { get; private set; }

    public async ValueTask InitializeAsync()
    {
        string? slapd = Requires.FindOnPath("slapd");
        string? ldapadd = Requires.FindOnPath("ldapadd");
        if (slapd is null || ldapadd is null || Requires.FindOnPath("ssh-keygen") is null)
        {
            Missing = "Debian's slapd, ldap-utils and openssh-client";
            return;
        }
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "db"));
        System.IO.Directory.CreateDirectory(AliceHome);
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", AliceKey]);
        Assert.True(keygen.ExitCode == 0, keygen.StandardError);
        string alicePublicKey = (await File.ReadAllTextAsync(AliceKey + ".pub")).Trim();
        await File.WriteAllTextAsync(Path.Combine(Directory, "lpk.schema"), """
            attributetype ( 1.3.6.1.4.1.24552.500.1.1.1.13 NAME 'sshPublicKey'
              DESC 'OpenSSH public key' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )
            objectclass ( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey' SUP top AUXILIARY
              DESC 'OpenSSH LPK objectclass' MAY ( sshPublicKey $ uid ) )
            """);
        string tlsConfig = await MakeCertificatesAsync();
        await File.WriteAllTextAsync(Path.Combine(Directory, "slapd.conf"), tlsConfig + $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            include {Directory}/lpk.schema
            pidfile {Directory}/slapd.pid
            modulepath /usr/lib/ldap
            moduleload back_mdb
            database mdb
            maxsize 10485760
            suffix "{BaseDn}"
            rootdn "cn=admin,{BaseDn}"
            rootpw admin
            directory {Directory}/db
            access to attrs=userPassword by anonymous auth by self read by * none
            access to * by users read by * none
            """);
        await File.WriteAllTextAsync(Path.Combine(Directory, "seed.ldif"), $"""
            dn: {BaseDn}
            objectClass: dcObject
            objectClass: organization
            dc: example
            o: Example

            dn: {People}
            objectClass: organizationalUnit
            ou: people

            dn: {GroupsDn}
            objectClass: organizationalUnit
            ou: groups

            dn: {ReaderDn}
            objectClass: organizationalRole
            objectClass: simpleSecurityObject
            cn: reader
            userPassword: {ReaderPassword}

            dn: uid=alice,{People}
            objectClass: inetOrgPerson
            objectClass: posixAccount
            objectClass: ldapPublicKey
            uid: alice
            cn: Alice
            sn: A
            uidNumber: 1001
            gidNumber: 1001
            homeDirectory: {AliceHome}
            sshPublicKey: {alicePublicKey}
            userPassword: {AlicePassword}

            dn: uid=bob,{People}
            objectClass: inetOrgPerson
            objectClass: posixAccount
            uid: bob
            cn: Bob
            sn: B
            uidNumber: 1002
            gidNumber: 1002
            homeDirectory: {Directory}/homes/bob
            employeeType: disabled
            userPassword: {BobPassword}

            dn: uid=carol,{People}
            objectClass: inetOrgPerson
            uid: carol
            cn: Carol
            sn: C
            userPassword: {CarolPassword}

            dn: cn=sftp-ops,{GroupsDn}
            objectClass: groupOfNames
            cn: sftp-ops
            member: uid=alice,{People}

            dn: cn=staff,{GroupsDn}
            objectClass: groupOfNames
            cn: staff
            member: uid=alice,{People}
            member: uid=bob,{People}

            """.ReplaceLineEndings("\n"));
        Port = FreePort();
        var start = new ProcessStartInfo(slapd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string urls = $"ldap://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/";
        if (tlsConfig.Length > 0)
        {
            TlsPort = FreePort();
            urls += $" ldaps://127.0.0.1:{TlsPort.ToString(CultureInfo.InvariantCulture)}/";
        }
        foreach (string arg in new[] { "-f", Path.Combine(Directory, "slapd.conf"), "-h", urls, "-d", "0" })
        {
            start.ArgumentList.Add(arg);
        }
        _slapd = ProcessRunner.StartDrained(start);
        await WaitForListenerAsync();
        var seed = await ProcessRunner.RunAsync(ldapadd, ["-x", "-H", Url, "-D", $"cn=admin,{BaseDn}", "-w", "admin", "-f", Path.Combine(Directory, "seed.ldif")]);
        Assert.True(seed.ExitCode == 0, seed.StandardError);
    }

    /// <summary>
    /// A test CA and a server certificate for 127.0.0.1 made with openssl; the slapd.conf lines that use them, or
    /// empty when openssl is missing (the TLS test then skips).
    /// </summary>
    private async Task<string> MakeCertificatesAsync()
    {
        if (Requires.FindOnPath("openssl") is null)
        {
            return string.Empty;
        }
        string tls = Path.Combine(Directory, "tls");
        System.IO.Directory.CreateDirectory(CaDirectory);
        string F(string name) => Path.Combine(tls, name);
        await File.WriteAllTextAsync(F("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        await OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.pem"), "-days", "2", "-subj", "/CN=SftpKit test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", F("server.key"), "-out", F("server.csr"), "-subj", "/CN=127.0.0.1");
        await OpenSslAsync("x509", "-req", "-in", F("server.csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-CAcreateserial", "-out", F("server.pem"),
            "-days", "2", "-extfile", F("ext.cnf"));
        var hash = await ProcessRunner.RunAsync("openssl", ["x509", "-hash", "-noout", "-in", F("ca.pem")]);
        File.Copy(F("ca.pem"), Path.Combine(CaDirectory, hash.Text.Trim() + ".0"));
        return $"TLSCACertificateFile {F("ca.pem")}\nTLSCertificateFile {F("server.pem")}\nTLSCertificateKeyFile {F("server.key")}\n";
    }

    private static async Task OpenSslAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("openssl", arguments);
        Assert.True(result.ExitCode == 0, "openssl " + string.Join(' ', arguments) + ": " + result.StandardError);
    }

    public string Url => $"ldap://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Skips (or, under CI, fails) the test when slapd is not installed.</summary>
    public void Require() => Requires.That(Missing is null, Missing ?? string.Empty, "scripts/test.sh installs them (apt-get install slapd ldap-utils)");

    private async Task WaitForListenerAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_slapd!.HasExited)
            {
                Assert.Fail($"slapd exited at start with code {_slapd.ExitCode}.");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_slapd is not null)
        {
            if (!_slapd.HasExited)
            {
                _slapd.Kill(entireProcessTree: true);
            }
            await _slapd.WaitForExitAsync();
            _slapd.Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
