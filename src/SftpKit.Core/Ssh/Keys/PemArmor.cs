using System.Buffers.Text;
using System.Text;

namespace SftpKit.Ssh.Keys;

/// <summary>Writes RFC 7468 style armor into a byte buffer so private key text never has to live in an immutable string.</summary>
internal static class PemArmor
{
    // ssh-keygen wraps OpenSSH private keys at 70 columns.
    private const int LineLength = 70;

    public static byte[] Encode(string label, ReadOnlySpan<byte> data)
    {
        byte[] begin = Encoding.ASCII.GetBytes($"-----BEGIN {label}-----\n");
        byte[] end = Encoding.ASCII.GetBytes($"-----END {label}-----\n");
        int base64Length = Base64.GetMaxEncodedToUtf8Length(data.Length);
        byte[] base64 = new byte[base64Length];
        try
        {
            Base64.EncodeToUtf8(data, base64, out _, out int written);
            int lines = (written + LineLength - 1) / LineLength;
            byte[] result = new byte[begin.Length + written + lines + end.Length];
            begin.CopyTo(result, 0);
            int position = begin.Length;
            for (int offset = 0; offset < written; offset += LineLength)
            {
                int count = Math.Min(LineLength, written - offset);
                base64.AsSpan(offset, count).CopyTo(result.AsSpan(position));
                position += count;
                result[position++] = (byte)'\n';
            }
            end.CopyTo(result, position);
            return result;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(base64);
        }
    }
}
