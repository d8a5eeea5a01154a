namespace SftpKit.Sftp;

/// <summary>SSH_FILEXFER_ATTR_* flags (draft-ietf-secsh-filexfer-02 §5).</summary>
[Flags]
internal enum SftpAttributeFlags : uint
{
    None = 0,
    Size = 0x00000001,
    UidGid = 0x00000002,
    Permissions = 0x00000004,
    AccessModificationTime = 0x00000008,
    Extended = 0x80000000,
}
