using System.Globalization;
using System.Text;

namespace SftpKit.Authentication.Ldap;

/// <summary>Escaping of login names put into filters (RFC 4515) and DNs (RFC 4514), so a name cannot change either.</summary>
internal static class LdapEscaping
{
    /// <summary>Escapes <c>\ * ( )</c>, NUL and other control characters as <c>\xx</c>.</summary>
    public static string Filter(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (c is '\\' or '*' or '(' or ')' or '\0' || char.IsControl(c))
            {
                text.Append('\\').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>Escapes <c>, + " \ &lt; &gt; ; =</c>, a leading <c>#</c> or space and a trailing space with a backslash, and control characters as <c>\xx</c>.</summary>
    public static string Dn(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
            {
                text.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                text.Append('\\').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>The first <c>cn</c> value of a DN (<c>cn=ops,ou=groups,...</c> → <c>ops</c>), or null.</summary>
    public static string? CommonName(string dn)
    {
        int comma = dn.IndexOf(',', StringComparison.Ordinal);
        string first = comma < 0 ? dn : dn[..comma];
        return first.StartsWith("cn=", StringComparison.OrdinalIgnoreCase) ? first[3..] : null;
    }
}
