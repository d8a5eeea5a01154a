namespace SftpKit.Ssh.Keys;

/// <summary>
/// Reads mpints that must be non-negative (key components, signature scalars) as unsigned big-endian magnitudes.
/// Rejects negative and non-minimal encodings like OpenSSH's sshbuf_get_bignum2 so every value has one wire form.
/// </summary>
internal static class UnsignedMpint
{
    public static bool TryGetMagnitude(ReadOnlySpan<byte> mpint, out ReadOnlySpan<byte> magnitude)
    {
        magnitude = default;
        if (mpint.IsEmpty)
        {
            return true;
        }
        if ((mpint[0] & 0x80) != 0)
        {
            return false;
        }
        if (mpint[0] == 0)
        {
            if (mpint.Length == 1 || (mpint[1] & 0x80) == 0)
            {
                return false;
            }
            mpint = mpint[1..];
        }
        magnitude = mpint;
        return true;
    }

    /// <summary>Copies a magnitude right-aligned into a fixed-size field; false when it does not fit.</summary>
    public static bool TryCopyPadded(ReadOnlySpan<byte> magnitude, Span<byte> destination)
    {
        if (magnitude.Length > destination.Length)
        {
            return false;
        }
        destination[..^magnitude.Length].Clear();
        magnitude.CopyTo(destination[^magnitude.Length..]);
        return true;
    }

    /// <summary>Returns the magnitude left-padded to <paramref name="size"/> bytes, as .NET's key parameter import requires.</summary>
    public static byte[] ToPaddedArray(ReadOnlySpan<byte> magnitude, int size)
    {
        var result = new byte[size];
        if (!TryCopyPadded(magnitude, result))
        {
            throw new FormatException("Key component is larger than the key size.");
        }
        return result;
    }
}
