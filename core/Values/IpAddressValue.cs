using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Origin.Values;

/// <summary>A single IPv4 or IPv6 address written in its canonical form.</summary>
public sealed record IpAddressValue(IPAddress Address) : IConfigValue<IpAddressValue>
{
    public static string Expected => "an IPv4 or IPv6 address such as 203.0.113.10";

    public static bool TryParse(string text, [NotNullWhen(true)] out IpAddressValue? value)
    {
        value = null;
        // IPAddress.TryParse also accepts "1", "0x7f.1" and scope ids; only the canonical spelling is taken.
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return false;
        if (address.ToString() != text) return false;
        value = new IpAddressValue(address);
        return true;
    }

    public override string ToString() => Address.ToString();
}
