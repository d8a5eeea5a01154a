using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// bcrypt in the modular crypt form <c>$2a$NN$</c> + 22 salt characters + 31 hash characters (also <c>$2b$</c> and
/// <c>$2y$</c>, which differ from <c>$2a$</c> only in bugs of old writers that these passwords never hit). Only the
/// first 72 bytes of a password count, as in every bcrypt implementation.
/// </summary>
internal sealed class BcryptPasswordHash : StoredPasswordHash
{
    private const int EncodedLength = 60;
    private const int SettingLength = 29; // "$2a$NN$" + 22 salt characters
    private const int MinCost = 4;

    private readonly string _setting;
    private readonly byte[] _digest;

    private BcryptPasswordHash(string setting, byte[] digest) => (_setting, _digest) = (setting, digest);

    public override bool Matches(string password, byte[] passwordUtf8)
    {
        string computed;
        try
        {
            computed = BCrypt.Net.BCrypt.HashPassword(password, _setting);
        }
        catch (Exception ex) when (ex is ArgumentException or BCrypt.Net.SaltParseException)
        {
            return false;
        }
        // Compare the digest only: some writers leave unused bits set in the salt's last character, which the
        // library normalises when it echoes the salt back.
        byte[] actual = Encoding.ASCII.GetBytes(computed.Length == EncodedLength ? computed[SettingLength..] : string.Empty);
        return CryptographicOperations.FixedTimeEquals(actual, _digest);
    }

    public static BcryptPasswordHash? Parse(string hash)
    {
        if (hash.Length != EncodedLength
            || hash[0] != '$' || hash[1] != '2' || hash[2] is not ('a' or 'b' or 'y') || hash[3] != '$' || hash[6] != '$'
            || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5])
            || !PasswordHashEncoding.IsCryptAlphabet(hash.AsSpan(7)))
        {
            return null;
        }
        int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
        if (cost < MinCost || cost > SftpPasswordHasher.MaxBcryptCost)
        {
            return null;
        }
        return new BcryptPasswordHash(hash[..SettingLength], Encoding.ASCII.GetBytes(hash[SettingLength..]));
    }
}
