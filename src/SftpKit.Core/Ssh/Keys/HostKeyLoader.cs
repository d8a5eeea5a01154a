using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SftpKit.Ssh.Keys;

/// <summary>Loads host keys from the files <c>ssh-keygen</c> writes, and creates a default set when there are none.</summary>
internal static class HostKeyLoader
{
    /// <summary>The file name pattern OpenSSH uses for host keys (<c>ssh-keygen -A</c>).</summary>
    public const string HostKeyFilePattern = "ssh_host_*_key";

    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFileMode = PrivateFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads an unencrypted private key in OpenSSH or PEM (PKCS#1, SEC1, PKCS#8) format.</summary>
    /// <param name="path">The private key file.</param>
    /// <param name="allowRsaSha1">Whether an RSA key also signs with SHA-1 <c>ssh-rsa</c>. Defaults to <see langword="false"/>.</param>
    /// <exception cref="InvalidDataException">The file is not a valid private key.</exception>
    /// <exception cref="NotSupportedException">The key is encrypted or of an unsupported type.</exception>
    public static SshHostKey Load(string path, bool allowRsaSha1 = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] raw = File.ReadAllBytes(path);
        char[] text = [];
        try
        {
            text = Encoding.UTF8.GetChars(raw);
            return PemPrivateKeyReader.Read(text, allowRsaSha1);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load host key '{path}': {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"Cannot load host key '{path}': {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            Array.Clear(text);
        }
    }

    /// <summary>
    /// Loads every <c>ssh_host_*_key</c> file in <paramref name="directory"/> (ordered by file name); when there is none,
    /// generates Ed25519, ECDSA P-256 and RSA 3072 keys there in OpenSSH format with <c>.pub</c> companions.
    /// </summary>
    /// <param name="directory">The host key directory; created owner-only when missing.</param>
    /// <param name="logger">Where to report loaded and generated keys. Defaults to no logging.</param>
    /// <param name="allowRsaSha1">Whether RSA keys also sign with SHA-1 <c>ssh-rsa</c>. Defaults to <see langword="false"/>.</param>
    public static IReadOnlyList<SshHostKey> LoadOrGenerate(string directory, ILogger? logger = null, bool allowRsaSha1 = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        logger ??= NullLogger.Instance;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }
        }

        string[] files = Directory.GetFiles(directory, HostKeyFilePattern);
        Array.Sort(files, StringComparer.Ordinal);
        var keys = new List<SshHostKey>(Math.Max(files.Length, 3));
        try
        {
            if (files.Length > 0)
            {
                foreach (string file in files)
                {
                    WarnIfPermissive(file, logger);
                    var key = Load(file, allowRsaSha1);
                    keys.Add(key);
                    HostKeyLog.HostKeyLoaded(logger, key.KeyType, key.Fingerprint, file);
                }
                return keys;
            }

            string comment = "sftpkit@" + Environment.MachineName;
            Generate(directory, "ssh_host_ed25519_key", Ed25519HostKey.Generate(comment), keys, logger);
            Generate(directory, "ssh_host_ecdsa_key", EcdsaHostKey.Generate(EcdsaCurve.NistP256, comment), keys, logger);
            Generate(directory, "ssh_host_rsa_key", RsaHostKey.Generate(3072, allowRsaSha1, comment), keys, logger);
            return keys;
        }
        catch
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
            throw;
        }
    }

    private static void Generate(string directory, string fileName, SshHostKey key, List<SshHostKey> keys, ILogger logger)
    {
        keys.Add(key);
        string path = Path.Combine(directory, fileName);
        Save(key, path);
        HostKeyLog.HostKeyGenerated(logger, key.KeyType, key.Fingerprint, path);
    }

    /// <summary>
    /// Writes <paramref name="key"/> unencrypted in OpenSSH format to <paramref name="path"/> (mode 0600 on Unix) and its
    /// public key to <c>path.pub</c>, each through a temporary file renamed into place.
    /// </summary>
    public static void Save(SshHostKey key, string path)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // The public half goes first: a crash in between leaves no private key, so the next start regenerates both.
        WriteAtomically(path + ".pub", Encoding.ASCII.GetBytes(key.PublicKey + "\n"), PublicFileMode);
        byte[] contents = OpenSshPrivateKeyFormat.Write(key);
        try
        {
            WriteAtomically(path, contents, PrivateFileMode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contents);
        }
    }

    private static void WriteAtomically(string path, byte[] contents, UnixFileMode mode)
    {
        string fullPath = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation so the file never exists, even briefly, with the umask's wider default.
            options.UnixCreateMode = mode;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void WarnIfPermissive(string file, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(file);
        if ((mode & GroupOrOther) != 0)
        {
            HostKeyLog.HostKeyFilePermissive(logger, file, Convert.ToString((int)mode, 8));
        }
    }
}
