using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace SftpKit.Sftp;

/// <summary>
/// One hash of the check-file extension (draft-ietf-secsh-filexfer-extensions-00 §3): md5, sha1, sha224, sha256,
/// sha384 or sha512. SHA-224 comes from BouncyCastle (the BCL has none); the others from
/// <see cref="IncrementalHash"/>.
/// </summary>
internal sealed class SftpCheckFileHash : IDisposable
{
    /// <summary>The algorithms served, strongest last, as announced in VERSION.</summary>
    public static readonly string[] Supported = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

    private readonly IncrementalHash? _bcl;
    private readonly Sha224Digest? _sha224;

    private SftpCheckFileHash(string name, IncrementalHash? bcl, Sha224Digest? sha224, int size)
    {
        Name = name;
        _bcl = bcl;
        _sha224 = sha224;
        Size = size;
    }

    /// <summary>The algorithm's name on the wire.</summary>
    public string Name { get; }

    /// <summary>Digest length in bytes.</summary>
    public int Size { get; }

    /// <summary>
    /// The first algorithm of the client's comma-separated list that is served (the client's preference wins), or
    /// null when none is.
    /// </summary>
    public static SftpCheckFileHash? Choose(string clientList)
    {
        foreach (var candidate in clientList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var hash = Create(candidate);
            if (hash is not null)
            {
                return hash;
            }
        }
        return null;
    }

    private static SftpCheckFileHash? Create(string name) => name switch
    {
        "md5" => new(name, IncrementalHash.CreateHash(HashAlgorithmName.MD5), null, 16),
        "sha1" => new(name, IncrementalHash.CreateHash(HashAlgorithmName.SHA1), null, 20),
        "sha224" => new(name, null, new Sha224Digest(), 28),
        "sha256" => new(name, IncrementalHash.CreateHash(HashAlgorithmName.SHA256), null, 32),
        "sha384" => new(name, IncrementalHash.CreateHash(HashAlgorithmName.SHA384), null, 48),
        "sha512" => new(name, IncrementalHash.CreateHash(HashAlgorithmName.SHA512), null, 64),
        _ => null,
    };

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_bcl is not null)
        {
            _bcl.AppendData(data);
        }
        else
        {
            _sha224!.BlockUpdate(data);
        }
    }

    /// <summary>Writes the digest of everything appended since the last call into <paramref name="destination"/> and starts over.</summary>
    public void Finish(Span<byte> destination)
    {
        if (_bcl is not null)
        {
            _bcl.GetHashAndReset(destination);
        }
        else
        {
            _sha224!.DoFinal(destination); // DoFinal resets the digest
        }
    }

    public void Dispose() => _bcl?.Dispose();
}
