namespace SftpKit.Storage.Sftp;

/// <summary>Host key fingerprints as OpenSSH prints them (<c>SHA256:</c> + unpadded base64), compared exactly.</summary>
internal static class HostKeyPin
{
    /// <summary>The base64 part without padding, or null when <paramref name="fingerprint"/> is not a SHA256 fingerprint.</summary>
    public static string? Normalize(string? fingerprint)
    {
        if (string.IsNullOrWhiteSpace(fingerprint))
        {
            return null;
        }
        string value = fingerprint.Trim();
        if (value.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            value = value["SHA256:".Length..];
        }
        value = value.TrimEnd('=');
        if (value.Length != 43 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
        {
            return null;
        }
        return value;
    }

    /// <summary>True when <paramref name="presented"/> is one of <paramref name="pinned"/>.</summary>
    public static bool Matches(IEnumerable<string> pinned, string presented)
    {
        string? actual = Normalize(presented);
        return actual is not null && pinned.Any(p => string.Equals(Normalize(p), actual, StringComparison.Ordinal));
    }
}
