using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Origin.Values;

/// <summary>
/// A size in bytes. Units are binary and case-insensitive: "512m", "512MiB" and "512MB" all mean 512 x 2^20.
/// Redis reads "1m" as 10^6 bytes and "1mb" as 2^20; rendering always writes plain bytes, so the two
/// readings can never disagree.
/// </summary>
public sealed partial record ByteSize(long Bytes) : IConfigValue<ByteSize>, IComparable<ByteSize>
{
    public static string Expected => "a size such as 256m, 10g or 64GiB (binary units k, m, g, t)";

    [GeneratedRegex(@"^(\d{1,13})\s?([kmgt]?)(i?b)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, [NotNullWhen(true)] out ByteSize? value)
    {
        value = null;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        var shift = m.Groups[2].Value.ToLowerInvariant() switch { "k" => 10, "m" => 20, "g" => 30, "t" => 40, _ => 0 };
        var number = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (number > (long.MaxValue >> shift)) return false;
        value = new ByteSize(number << shift);
        return true;
    }

    public static ByteSize FromMiB(long mib) => new(mib << 20);
    public static ByteSize FromGiB(long gib) => new(gib << 30);

    public long MiBRoundedUp => (Bytes + (1L << 20) - 1) >> 20;

    public int CompareTo(ByteSize? other) => Bytes.CompareTo(other?.Bytes ?? 0);

    /// <summary>Human form for messages and comments: the largest unit that divides evenly.</summary>
    public override string ToString() =>
        Bytes switch
        {
            0 => "0",
            _ when Bytes % (1L << 30) == 0 => $"{Bytes >> 30}g",
            _ when Bytes % (1L << 20) == 0 => $"{Bytes >> 20}m",
            _ when Bytes % (1L << 10) == 0 => $"{Bytes >> 10}k",
            _ => Bytes.ToString(CultureInfo.InvariantCulture),
        };
}
