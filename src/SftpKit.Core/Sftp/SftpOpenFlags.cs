namespace SftpKit.Sftp;

/// <summary>SSH_FXF_* flags of SSH_FXP_OPEN (draft-ietf-secsh-filexfer-02 §6.3).</summary>
[Flags]
internal enum SftpOpenFlags : uint
{
    None = 0,
    Read = 0x01,
    Write = 0x02,
    Append = 0x04,
    Create = 0x08,
    Truncate = 0x10,
    Exclusive = 0x20,
}
