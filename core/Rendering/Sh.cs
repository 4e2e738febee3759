namespace Origin.Rendering;

/// <summary>Shell quoting for generated scripts.</summary>
public static class Sh
{
    /// <summary>Single-quotes a word; a single quote inside becomes '\''. Bash expands nothing inside single quotes.</summary>
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "._/:=,+@%-".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''") + "'";

    public static string Words(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));
}
