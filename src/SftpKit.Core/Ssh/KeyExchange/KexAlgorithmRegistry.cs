using System.Diagnostics.CodeAnalysis;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>The key exchange method names SftpKit knows, and the one place that turns a negotiated name into an instance.</summary>
internal static class KexAlgorithmRegistry
{
    public const string MlKem768X25519Sha256 = "mlkem768x25519-sha256";
    public const string Sntrup761X25519Sha512 = "sntrup761x25519-sha512";
    public const string Sntrup761X25519Sha512OpenSsh = "sntrup761x25519-sha512@openssh.com";
    public const string Curve25519Sha256 = "curve25519-sha256";
    public const string Curve25519Sha256LibSsh = "curve25519-sha256@libssh.org";
    public const string EcdhSha2NistP256 = "ecdh-sha2-nistp256";
    public const string EcdhSha2NistP384 = "ecdh-sha2-nistp384";
    public const string EcdhSha2NistP521 = "ecdh-sha2-nistp521";
    public const string DhGroup16Sha512 = "diffie-hellman-group16-sha512";
    public const string DhGroup14Sha256 = "diffie-hellman-group14-sha256";
    public const string DhGroup14Sha1 = "diffie-hellman-group14-sha1";
    public const string DhGroup1Sha1 = "diffie-hellman-group1-sha1";

    /// <summary>Strict kex (Terrapin fix) offered by a server; a marker in the kex list, never a method.</summary>
    public const string StrictKexServerMarker = "kex-strict-s-v00@openssh.com";

    /// <summary>Strict kex offered by a client; a marker in the kex list, never a method.</summary>
    public const string StrictKexClientMarker = "kex-strict-c-v00@openssh.com";

    /// <summary>RFC 8308: the client accepts SSH_MSG_EXT_INFO; a marker, never a method.</summary>
    public const string ExtInfoClientMarker = "ext-info-c";

    /// <summary>RFC 8308: the server accepts SSH_MSG_EXT_INFO; a marker, never a method.</summary>
    public const string ExtInfoServerMarker = "ext-info-s";

    /// <summary>Every supported method, strongest first; legacy SHA-1 methods last.</summary>
    public static IReadOnlyList<string> AllNames { get; } =
    [
        MlKem768X25519Sha256,
        Sntrup761X25519Sha512,
        Sntrup761X25519Sha512OpenSsh,
        Curve25519Sha256,
        Curve25519Sha256LibSsh,
        EcdhSha2NistP256,
        EcdhSha2NistP384,
        EcdhSha2NistP521,
        DhGroup16Sha512,
        DhGroup14Sha256,
        DhGroup14Sha1,
        DhGroup1Sha1,
    ];

    /// <summary>SHA-1 methods (and the 1024-bit group) that are only offered when explicitly enabled.</summary>
    public static bool IsLegacy(string name) => name is DhGroup14Sha1 or DhGroup1Sha1;

    /// <summary>Extension and strict-kex markers, which appear in the kex name-list but are never negotiated.</summary>
    public static bool IsMarker(string name) =>
        name is StrictKexServerMarker or StrictKexClientMarker or ExtInfoClientMarker or ExtInfoServerMarker;

    public static bool TryCreate(string name, [NotNullWhen(true)] out IKexAlgorithm? algorithm)
    {
        algorithm = name switch
        {
            MlKem768X25519Sha256 => new MlKem768X25519Kex(),
            Sntrup761X25519Sha512 or Sntrup761X25519Sha512OpenSsh => new SntrupX25519Kex(name),
            Curve25519Sha256 or Curve25519Sha256LibSsh => new Curve25519Kex(name),
            EcdhSha2NistP256 => EcdhNistKex.NistP256(),
            EcdhSha2NistP384 => EcdhNistKex.NistP384(),
            EcdhSha2NistP521 => EcdhNistKex.NistP521(),
            DhGroup16Sha512 => FiniteFieldDhKex.Group16Sha512(),
            DhGroup14Sha256 => FiniteFieldDhKex.Group14Sha256(),
            DhGroup14Sha1 => FiniteFieldDhKex.Group14Sha1(),
            DhGroup1Sha1 => FiniteFieldDhKex.Group1Sha1(),
            _ => null,
        };
        return algorithm is not null;
    }
}
