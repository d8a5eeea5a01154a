namespace SftpKit.Authentication.Ldap;

/// <summary>How the connection to the directory is protected.</summary>
public enum LdapTransportSecurity
{
    /// <summary>Plain LDAP (port 389): passwords cross the network in clear text. For loopback and tests only.</summary>
    None,

    /// <summary>LDAP on port 389 upgraded with the StartTLS extended operation before any bind.</summary>
    StartTls,

    /// <summary>LDAP over TLS from the first byte (LDAPS, port 636).</summary>
    Ldaps,
}
