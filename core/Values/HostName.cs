using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Origin.Values;

/// <summary>A lower-case DNS name (RFC 1123 labels). Used for zone names, record names and server_name.</summary>
public sealed partial record HostName(string Value) : IConfigValue<HostName>
{
    public static string Expected => "a lower-case DNS name of letters, digits and hyphens, such as live.example.com";

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, [NotNullWhen(true)] out HostName? value)
    {
        value = Pattern().IsMatch(text) ? new HostName(text) : null;
        return value is not null;
    }

    public bool IsWithin(HostName zone) => Value == zone.Value || Value.EndsWith("." + zone.Value, StringComparison.Ordinal);

    public override string ToString() => Value;
}
