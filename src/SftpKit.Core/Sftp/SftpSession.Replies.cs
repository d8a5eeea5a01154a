using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>Reply encoders: STATUS, HANDLE, ATTRS, NAME.</summary>
internal sealed partial class SftpSession
{
    private ValueTask SendStatusAsync(uint id, SftpStatusCode code, string? message = null)
    {
        var response = SftpResponse.Create(SftpPacketType.Status, id, 64);
        response.WriteUInt32((uint)code);
        response.WriteString(message ?? SftpErrors.MessageFor(code));
        response.WriteString(string.Empty); // language tag
        return _output.SendAsync(response, Token);
    }

    private ValueTask SendOkAsync(uint id) => SendStatusAsync(id, SftpStatusCode.Ok);

    private ValueTask SendBadHandleAsync(uint id) => SendStatusAsync(id, SftpStatusCode.Failure, "Invalid handle");

    private ValueTask SendHandleAsync(uint id, SftpHandle handle)
    {
        var response = SftpResponse.Create(SftpPacketType.Handle, id, 16);
        response.WriteString(handle.Id);
        return _output.SendAsync(response, Token);
    }

    private ValueTask SendAttrsAsync(uint id, VfsFileInfo info)
    {
        var response = SftpResponse.Create(SftpPacketType.Attrs, id, 40);
        response.WriteAttributes(SftpAttributes.From(info));
        return _output.SendAsync(response, Token);
    }

    /// <summary>A NAME with one entry whose long name repeats the name and whose attributes are empty (REALPATH, READLINK).</summary>
    private ValueTask SendSingleNameAsync(uint id, string name)
    {
        var response = SftpResponse.Create(SftpPacketType.Name, id, 32 + (name.Length * 2));
        response.WriteUInt32(1);
        response.WriteString(name);
        response.WriteString(name);
        response.WriteAttributes(SftpAttributes.Empty);
        return _output.SendAsync(response, Token);
    }

    /// <summary>The open handle of type <typeparamref name="T"/> the next field names, or null.</summary>
    private T? FindHandle<T>(ref SftpPayloadReader reader)
        where T : SftpHandle
    {
        var handle = _handles.Find(reader.ReadBytes().Span);
        return handle is T typed && !typed.Closed ? typed : null;
    }
}
