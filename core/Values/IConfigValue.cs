using System.Diagnostics.CodeAnalysis;

namespace Origin.Values;

/// <summary>
/// A setting whose text form is parsed and checked once, at load time. Every value that can reach a
/// shell script, an nginx directive or a unit file is one of these (or a number or an enum), so a
/// hostile string is refused with the config key that carried it instead of being rendered.
/// </summary>
public interface IConfigValue<TSelf> where TSelf : IConfigValue<TSelf>
{
    /// <summary>What a valid value looks like, for error messages ("an IPv4 or IPv6 CIDR such as 10.0.0.0/8").</summary>
    static abstract string Expected { get; }

    static abstract bool TryParse(string text, [NotNullWhen(true)] out TSelf? value);
}
