namespace SftpKit.Accounts;

/// <summary>What a share's link lets anyone holding it do; the numbers are those of the share JSON (<c>scope</c>).</summary>
public enum SftpShareScope
{
    /// <summary>Browse and download the shared files and folders (1).</summary>
    Read = 1,

    /// <summary>Upload into the one shared folder, without seeing what it holds (2).</summary>
    Write = 2,

    /// <summary>Browse, download and upload into the one shared folder (3).</summary>
    ReadWrite = 3,
}
