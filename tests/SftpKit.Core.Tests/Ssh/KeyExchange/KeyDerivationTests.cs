using System.Security.Cryptography;
using System.Text;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Tests.Ssh.KeyExchange;

public class KeyDerivationTests
{
    private static readonly byte[] K = KexWire.MpintOfUnsigned(Convert.FromHexString("8f3a5c1e2d4b6a7988776655443322110fedcba98765432100112233445566778"[..64]));
    private static readonly byte[] H = SHA256.HashData(Encoding.ASCII.GetBytes("exchange hash"));
    private static readonly byte[] SessionId = SHA256.HashData(Encoding.ASCII.GetBytes("session id"));

    [Theory]
    [InlineData('A', 16)]
    [InlineData('C', 32)]
    [InlineData('F', 1)]
    public void ShortKey_IsPrefixOfFirstBlock(char letter, int length)
    {
        byte[] expected = SHA256.HashData([.. K, .. H, (byte)letter, .. SessionId])[..length];
        Assert.Equal(expected, KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, letter, SessionId, length));
    }

    [Fact]
    public void LongKey_ExtendsWithKAndHAndPreviousBlocks()
    {
        // chacha20-poly1305 wants 64 bytes: two SHA-256 blocks.
        byte[] k1 = SHA256.HashData([.. K, .. H, (byte)'C', .. SessionId]);
        byte[] k2 = SHA256.HashData([.. K, .. H, .. k1]);
        byte[] k3 = SHA256.HashData([.. K, .. H, .. k1, .. k2]);

        Assert.Equal([.. k1, .. k2], KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'C', SessionId, 64));
        Assert.Equal(((byte[])[.. k1, .. k2, .. k3])[..80], KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'C', SessionId, 80));
    }

    [Fact]
    public void Sha512_UsesSha512Blocks()
    {
        byte[] k1 = SHA512.HashData([.. K, .. H, (byte)'D', .. SessionId]);
        byte[] k2 = SHA512.HashData([.. K, .. H, .. k1]);
        Assert.Equal(((byte[])[.. k1, .. k2])[..100], KeyDerivation.Derive(HashAlgorithmName.SHA512, K, H, 'D', SessionId, 100));
    }

    [Fact]
    public void ZeroLength_IsEmpty() =>
        Assert.Empty(KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'A', SessionId, 0));

    [Fact]
    public void Rejects_BadLetterAndLength()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'G', SessionId, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'A', SessionId, -1));
    }
}
