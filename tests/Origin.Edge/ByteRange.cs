using System.Globalization;

namespace Origin.EdgeStandIn;

/// <summary>
/// One byte range of a Range header (RFC 9110 section 14.1.2): "bytes=first-last", "bytes=first-" or the suffix
/// "bytes=-length", against a representation of a known length. Null for anything else (no Range, another unit,
/// several ranges): the whole object is sent, which RFC 9110 section 14.2 allows ("a server MAY ignore the Range
/// header field").
/// </summary>
public sealed record ByteRange(long First, long Last, bool Unsatisfiable)
{
    public static ByteRange? Parse(string? header, long length)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = header["bytes=".Length..].Trim();
        if (spec.Contains(',')) return null;
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        static bool Number(string s, out long? n)
        {
            n = null;
            if (s.Length == 0) return true;
            if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
            n = v;
            return true;
        }
        if (!Number(spec[..dash], out var first) || !Number(spec[(dash + 1)..], out var last)) return null;
        if (first is null)
        {
            // A suffix: the last N bytes; "bytes=-0" is unsatisfiable (RFC 9110 section 14.1.3).
            if (last is not { } suffix) return null;
            return suffix == 0 || length == 0 ? new(0, 0, true) : new(Math.Max(0, length - suffix), length - 1, false);
        }
        if (last is { } l && l < first) return null;
        if (first >= length) return new(0, 0, true);
        return new(first.Value, Math.Min(last ?? length - 1, length - 1), false);
    }
}
