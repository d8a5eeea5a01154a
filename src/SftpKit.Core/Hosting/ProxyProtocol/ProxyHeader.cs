using System.Net;

namespace SftpKit.Hosting.ProxyProtocol;

/// <summary>
/// A PROXY protocol header as received from a load balancer. <see cref="Source"/> is the client's address when the
/// header names one this server understands (v1 TCP4/TCP6, v2 PROXY over TCP/IPv4 or TCP/IPv6); null means "keep
/// the socket's address" (v1 UNKNOWN, v2 LOCAL, v2 UNSPEC/UNIX families or DGRAM transport).
/// </summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Command">What the header says the connection is.</param>
/// <param name="Source">The original client's endpoint, or null to use the socket's.</param>
/// <param name="Destination">The address the client connected to, when given with <paramref name="Source"/>.</param>
internal readonly record struct ProxyHeader(int Version, ProxyCommand Command, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>The command of a PROXY header (v2 byte 13 low nibble; v1 lines are always <see cref="Proxy"/>).</summary>
internal enum ProxyCommand
{
    /// <summary>The proxy's own connection (health check): the socket's endpoints are the real ones.</summary>
    Local = 0,

    /// <summary>A relayed connection: the header carries the original endpoints (when its family is supported).</summary>
    Proxy = 1,
}

/// <summary>What <see cref="ProxyHeaderParser.TryParse"/> made of the bytes so far.</summary>
internal enum ProxyParseStatus
{
    /// <summary>The bytes are a proper prefix of a header; nothing can be decided yet.</summary>
    Incomplete,

    /// <summary>A whole header was read.</summary>
    Complete,

    /// <summary>The first byte starts neither header form: the peer sent no PROXY header.</summary>
    NotProxy,

    /// <summary>The bytes start a header but break the specification, or exceed a limit.</summary>
    Invalid,
}
