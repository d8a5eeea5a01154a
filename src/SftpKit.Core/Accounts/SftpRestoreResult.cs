namespace SftpKit.Accounts;

/// <summary>How <c>SftpKit.Admin.SftpAccountBackup.RestoreAsync</c> treats accounts that already exist.</summary>
public enum SftpRestoreMode
{
    /// <summary>Add accounts that do not exist; leave existing ones untouched.</summary>
    AddOnly,
    /// <summary>Add new accounts and replace existing ones with the dump's version.</summary>
    Replace,
}

/// <summary>What a restore did: accounts added, replaced and skipped (folder definitions are not counted).</summary>
public sealed record SftpRestoreResult(int Added, int Replaced, int Skipped);
