using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SftpKit.Events;

/// <summary>
/// The JSON body of an HTTP event notification: one object with snake_case fields (<c>action</c>, <c>phase</c>,
/// <c>protocol</c>, <c>username</c>, <c>path</c>, <c>target_path</c>, <c>size</c>, <c>elapsed_ms</c>,
/// <c>bytes_received</c>, <c>bytes_sent</c>, <c>status</c>, <c>error</c>, <c>remote_address</c>, <c>connection_id</c>,
/// <c>session_id</c>, <c>timestamp</c>, <c>properties</c>).
/// </summary>
internal static class SftpEventJson
{
    public static byte[] Serialize(SftpEvent e, bool pre)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("action", SftpEventNames.Action(e.Kind));
            json.WriteString("phase", SftpEventNames.Phase(pre));
            json.WriteString("protocol", e.Protocol);
            WriteNullable(json, "username", e.UserName);
            WriteNullable(json, "path", e.Path);
            WriteNullable(json, "target_path", e.TargetPath);
            WriteNullable(json, "size", e.Size);
            WriteNullable(json, "elapsed_ms", SftpEventNames.Milliseconds(e.Elapsed));
            WriteNullable(json, "bytes_received", e.BytesReceived);
            WriteNullable(json, "bytes_sent", e.BytesSent);
            json.WriteString("status", SftpEventNames.Status(e.Status));
            WriteNullable(json, "error", e.Error);
            WriteNullable(json, "remote_address", e.RemoteAddress);
            WriteNullable(json, "connection_id", e.ConnectionId);
            WriteNullable(json, "session_id", e.SessionId);
            json.WriteString("timestamp", e.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("properties");
            foreach (var (key, value) in e.Properties)
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
