using System.Net;
using SftpKit.Networking;
using SftpKit.Sessions;

namespace SftpKit.Hosting;

/// <summary>Collects every problem in <see cref="SftpServerOptions"/> at once, naming the field at fault.</summary>
internal sealed class SftpServerOptionsValidator : SftpOptionsValidator<SftpServerOptions>
{
    protected override void Check(SftpServerOptions options, List<string> errors)
    {
        CheckEndpoints(errors, options);
        CheckIdentityAndAlgorithms(errors, options);
        CheckLimits(errors, options.Limits);
        CheckUsers(errors, options);
        CheckTrust(errors, options);
    }

    private static void CheckEndpoints(List<string> errors, SftpServerOptions options)
    {
        for (int i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            if (!IPAddress.TryParse(endpoint.Address, out _))
            {
                errors.Add($"Listen[{i}].Address '{endpoint.Address}' is not an IP address.");
            }
            if (endpoint.Port is < 0 or > 65535)
            {
                errors.Add($"Listen[{i}].Port {endpoint.Port} is outside 0–65535.");
            }
            if (!Enum.IsDefined(endpoint.ProxyProtocol))
            {
                errors.Add($"Listen[{i}].ProxyProtocol must be Off, Optional or Required.");
            }
            else if (endpoint.ProxyProtocol != SftpProxyProtocolMode.Off && options.TrustedProxies.Count == 0)
            {
                errors.Add($"Listen[{i}].ProxyProtocol is {endpoint.ProxyProtocol} but TrustedProxies is empty: no peer may send a PROXY header.");
            }
        }
    }

    private static void CheckIdentityAndAlgorithms(List<string> errors, SftpServerOptions options)
    {
        if (string.IsNullOrEmpty(options.ServerVersion) || options.ServerVersion.Any(c => c is <= ' ' or > '~') || options.ServerVersion.Length > 200)
        {
            errors.Add("ServerVersion must be 1–200 printable ASCII characters without spaces.");
        }
        if (options.HostKeyFiles.Count == 0 && string.IsNullOrWhiteSpace(options.HostKeyDirectory))
        {
            errors.Add("HostKeyDirectory must be set when HostKeyFiles is empty.");
        }
        foreach (var file in options.HostKeyFiles.Where(f => !File.Exists(f)))
        {
            errors.Add($"HostKeyFiles: '{file}' does not exist.");
        }
        CheckNames(errors, "Algorithms.KeyExchange", options.Algorithms.KeyExchange, Ssh.KeyExchange.KexAlgorithmRegistry.AllNames);
        CheckNames(errors, "Algorithms.HostKeys", options.Algorithms.HostKeys,
            ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
        CheckNames(errors, "Algorithms.Ciphers", options.Algorithms.Ciphers, Ssh.Transport.PacketCipherRegistry.AllCiphers.Select(c => c.Name).ToList());
        CheckNames(errors, "Algorithms.Macs", options.Algorithms.Macs, Ssh.Transport.PacketCipherRegistry.AllMacs.Select(m => m.Name).ToList());

    }

    private static void CheckLimits(List<string> errors, SftpServerLimits limits)
    {
        if (limits.MaxPacketSize is < 35000 or > 16 * 1024 * 1024)
        {
            errors.Add("Limits.MaxPacketSize must be between 35000 and 16777216.");
        }
        if (limits.MaxVersionLineLength is < 64 or > 8192)
        {
            errors.Add("Limits.MaxVersionLineLength must be between 64 and 8192.");
        }
        if (limits.MaxAuthAttempts < 1)
        {
            errors.Add("Limits.MaxAuthAttempts must be at least 1.");
        }
        if (limits.LoginGraceTime <= TimeSpan.Zero)
        {
            errors.Add("Limits.LoginGraceTime must be positive.");
        }
        if (limits.IdleTimeout < TimeSpan.Zero)
        {
            errors.Add("Limits.IdleTimeout must not be negative.");
        }
        if (limits.MaxChannelsPerConnection is < 1 or > 1024)
        {
            errors.Add("Limits.MaxChannelsPerConnection must be between 1 and 1024.");
        }
        if (limits.MaxConnections < 1)
        {
            errors.Add("Limits.MaxConnections must be at least 1.");
        }
        if (!MaxStartups.TryParse(limits.MaxUnauthenticatedConnections, out _))
        {
            errors.Add("Limits.MaxUnauthenticatedConnections must be \"start:rate:full\" (1 <= start <= full, rate 0–100) or one positive number.");
        }
        if (limits.RekeyBytes < 64 * 1024)
        {
            errors.Add("Limits.RekeyBytes must be at least 65536.");
        }
        if (limits.RekeyInterval <= TimeSpan.Zero)
        {
            errors.Add("Limits.RekeyInterval must be positive.");
        }
        if (limits.ChannelWindowSize < limits.ChannelMaxPacket || limits.ChannelWindowSize > int.MaxValue / 2)
        {
            errors.Add("Limits.ChannelWindowSize must be at least Limits.ChannelMaxPacket.");
        }
        if (limits.ChannelMaxPacket < 1024 || limits.ChannelMaxPacket > limits.MaxPacketSize - 1024)
        {
            errors.Add("Limits.ChannelMaxPacket must be between 1024 and Limits.MaxPacketSize - 1024.");
        }
        if (limits.ChannelReceiveMaxPacket < 1024 || limits.ChannelReceiveMaxPacket > limits.MaxPacketSize - 1024)
        {
            errors.Add("Limits.ChannelReceiveMaxPacket must be between 1024 and Limits.MaxPacketSize - 1024.");
        }
        if (limits.OutboundDataSlots < 1 || limits.MaxQueuedMessages < 16)
        {
            errors.Add("Limits.OutboundDataSlots must be at least 1 and Limits.MaxQueuedMessages at least 16.");
        }
        if (limits.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add("Limits.ShutdownTimeout must not be negative.");
        }
    }

    private static void CheckUsers(List<string> errors, SftpServerOptions options)
    {
        for (int i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            if (string.IsNullOrEmpty(user.UserName))
            {
                errors.Add($"Users[{i}].UserName is required.");
            }
            if (user.RequiredAuthenticationMethods.Count > Ssh.Authentication.UserAuthService.MaxSteps
                || user.RequiredAuthenticationMethods.Any(m => !SshAuthResult.KnownMethods.Contains(m)))
            {
                errors.Add($"Users[{i}].RequiredAuthenticationMethods must list at most {Ssh.Authentication.UserAuthService.MaxSteps} of publickey, password, keyboard-interactive.");
            }
            foreach (var line in user.AuthorizedKeys.Where(l => !SshPublicKey.TryParseAuthorizedKey(l, out _)))
            {
                errors.Add($"Users[{i}].AuthorizedKeys has an unreadable key: '{(line.Length > 40 ? line[..40] + "…" : line)}'.");
            }
            // The hash itself is never echoed: it is a secret too.
            if (user.PasswordHash is not null && !SftpKit.Accounts.SftpPasswordHasher.IsSupported(user.PasswordHash))
            {
                errors.Add($"Users[{i}].PasswordHash is not a supported hash (argon2, bcrypt, pbkdf2, sha256/512-crypt, md5crypt) or exceeds its limits.");
            }
            if (user.PasswordHash is null && user.Password is not null && System.Text.Encoding.UTF8.GetByteCount(user.Password) > SftpKit.Accounts.SftpPasswordHasher.MaxPasswordBytes)
            {
                errors.Add($"Users[{i}].Password is longer than {SftpKit.Accounts.SftpPasswordHasher.MaxPasswordBytes} UTF-8 bytes.");
            }
        }
    }

    private static void CheckTrust(List<string> errors, SftpServerOptions options)
    {
        for (int i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!SftpNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                errors.Add($"TrustedProxies[{i}] '{options.TrustedProxies[i]}' is not an IP address or CIDR network.");
            }
        }
        if (options.Limits.ProxyHeaderTimeout < TimeSpan.FromMilliseconds(100) || options.Limits.ProxyHeaderTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("Limits.ProxyHeaderTimeout must be between 100 ms and 1 minute.");
        }
        for (int i = 0; i < options.TrustedUserCaKeys.Count; i++)
        {
            string line = options.TrustedUserCaKeys[i];
            if (!SshPublicKey.TryParseAuthorizedKey(line, out var ca))
            {
                errors.Add($"TrustedUserCaKeys[{i}] is not a readable public key line: '{(line.Length > 40 ? line[..40] + "…" : line)}'.");
            }
            else if (ca.Certificate is not null)
            {
                errors.Add($"TrustedUserCaKeys[{i}] is a certificate; a CA key must be a plain public key.");
            }
        }
    }

    private static void CheckNames(List<string> errors, string field, IList<string> configured, IReadOnlyCollection<string> supported)
    {
        if (configured.Count == 0)
        {
            errors.Add($"{field} must name at least one algorithm.");
        }
        foreach (var name in configured.Where(n => !supported.Contains(n)))
        {
            errors.Add($"{field}: '{name}' is not supported.");
        }
    }
}
