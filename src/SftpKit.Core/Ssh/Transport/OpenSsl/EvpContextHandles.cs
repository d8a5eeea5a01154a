using System.Runtime.InteropServices;

namespace SftpKit.Ssh.Transport.OpenSsl;

/// <summary>An owned EVP_CIPHER_CTX; freeing it also cleanses the expanded key OpenSSL holds inside.</summary>
internal sealed class EvpCipherContextHandle : SafeHandle
{
    public EvpCipherContextHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>A new context, or a <see cref="System.Security.Cryptography.CryptographicException"/> when OpenSSL is out of memory.</summary>
    public static EvpCipherContextHandle Create()
    {
        var context = LibCrypto.EVP_CIPHER_CTX_new();
        if (context.IsInvalid)
        {
            context.Dispose();
            LibCrypto.Check(false, "EVP_CIPHER_CTX_new");
        }
        return context;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_CIPHER_CTX_free(handle);
        return true;
    }
}

/// <summary>An owned EVP_MAC_CTX; freeing it cleanses the MAC key and state.</summary>
internal sealed class EvpMacContextHandle : SafeHandle
{
    public EvpMacContextHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <inheritdoc cref="EvpCipherContextHandle.Create"/>
    public static EvpMacContextHandle Create(nint mac)
    {
        var context = LibCrypto.EVP_MAC_CTX_new(mac);
        if (context.IsInvalid)
        {
            context.Dispose();
            LibCrypto.Check(false, "EVP_MAC_CTX_new");
        }
        return context;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_MAC_CTX_free(handle);
        return true;
    }
}
