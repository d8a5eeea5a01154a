namespace SftpKit.Accounts;

/// <summary>Whose second factor or access token a record is: an account's or an admin's (names are separate spaces).</summary>
/// <param name="Kind">Account or admin.</param>
/// <param name="Name">The user name of the account or admin.</param>
public readonly record struct SftpCredentialOwner(SftpCredentialOwnerKind Kind, string Name)
{
    /// <summary>An account's records.</summary>
    public static SftpCredentialOwner User(string userName) => new(SftpCredentialOwnerKind.User, userName);

    /// <summary>An admin's records.</summary>
    public static SftpCredentialOwner Admin(string userName) => new(SftpCredentialOwnerKind.Admin, userName);

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}:{Name}";
}

/// <summary>Kinds of credential owners (written by name in JSON).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SftpCredentialOwnerKind>))]
public enum SftpCredentialOwnerKind
{
    /// <summary>An account (SSH, web client).</summary>
    User,
    /// <summary>An admin (admin API, WebAdmin).</summary>
    Admin,
}
