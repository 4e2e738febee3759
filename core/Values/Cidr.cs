using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Origin.Values;

/// <summary>An IPv4 or IPv6 network in canonical form; host bits must be zero so "10.0.0.1/8" is a typo, not a network.</summary>
public sealed record Cidr(IPNetwork Network) : IConfigValue<Cidr>
{
    public static string Expected => "an IPv4 or IPv6 network in CIDR form with no host bits set, such as 203.0.113.0/24 or 2001:db8::/32";

    public bool IsIPv6 => Network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;

    public static bool TryParse(string text, [NotNullWhen(true)] out Cidr? value)
    {
        value = null;
        if (!text.Contains('/') || text.Trim() != text) return false;
        // IPNetwork.TryParse silently clears host bits; "10.0.0.1/8" is more likely a typo than a wish for 10.0.0.0/8.
        if (!IPNetwork.TryParse(text, out var network)) return false;
        if (!IPAddress.TryParse(text[..text.IndexOf('/')], out var written) || !written.Equals(network.BaseAddress)) return false;
        value = new Cidr(network);
        return true;
    }

    public static Cidr Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"not a CIDR: {text}");

    public bool Contains(IPAddress address) => Network.Contains(address);

    public override string ToString() => Network.ToString();
}
