using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Origin.Values;

/// <summary>A whole number of seconds written with its unit: "30s", "10m", "2h", "1d".</summary>
public sealed partial record Duration(long Seconds) : IConfigValue<Duration>, IComparable<Duration>
{
    public static string Expected => "a duration with a unit, such as 30s, 10m, 2h or 1d";

    [GeneratedRegex(@"^(\d{1,9})(s|m|h|d)$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, [NotNullWhen(true)] out Duration? value)
    {
        value = null;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        value = new Duration(n * m.Groups[2].Value switch { "s" => 1, "m" => 60, "h" => 3600, _ => 86400 });
        return true;
    }

    public static Duration FromSeconds(long seconds) => new(seconds);

    public int CompareTo(Duration? other) => Seconds.CompareTo(other?.Seconds ?? 0);

    /// <summary>The largest unit that divides evenly, in the same syntax nginx and systemd accept.</summary>
    public override string ToString() =>
        Seconds switch
        {
            0 => "0s",
            _ when Seconds % 86400 == 0 => $"{Seconds / 86400}d",
            _ when Seconds % 3600 == 0 => $"{Seconds / 3600}h",
            _ when Seconds % 60 == 0 => $"{Seconds / 60}m",
            _ => $"{Seconds}s",
        };
}
