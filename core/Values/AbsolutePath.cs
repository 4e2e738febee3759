using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Origin.Values;

/// <summary>
/// An absolute host path made only of characters that need no quoting anywhere it is rendered
/// (nginx, shell, systemd units, mount options): letters, digits, '.', '_', '-' and '/'.
/// No "..", no "//", no trailing slash, no component starting with '-'.
/// </summary>
public sealed partial record AbsolutePath(string Value) : IConfigValue<AbsolutePath>
{
    public static string Expected => "an absolute path of letters, digits, '.', '_', '-' and '/', such as /var/www/hls (no '..', no trailing '/')";

    [GeneratedRegex(@"^(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99})+$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, [NotNullWhen(true)] out AbsolutePath? value)
    {
        value = null;
        if (text.Length > 200 || !Pattern().IsMatch(text)) return false;
        if (text.Split('/').Any(part => part is "." or "..")) return false;
        value = new AbsolutePath(text);
        return true;
    }

    public static AbsolutePath Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"not a safe absolute path: {text}");

    public bool IsUnder(AbsolutePath other) => Value.StartsWith(other.Value + "/", StringComparison.Ordinal);

    public override string ToString() => Value;
}
