using System.Globalization;
using Origin.Edge;

namespace Origin.EdgeStandIn;

/// <summary>The Cache-Control directives of a response, as the edge reads them.</summary>
public sealed record CacheControl(IReadOnlyDictionary<string, string?> Directives)
{
    public static CacheControl? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var directives = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            directives[eq < 0 ? part : part[..eq].Trim()] = eq < 0 ? null : part[(eq + 1)..].Trim().Trim('"');
        }
        return new CacheControl(directives);
    }

    public bool Has(string directive) => Directives.ContainsKey(directive);

    public long? Seconds(string directive) =>
        Directives.TryGetValue(directive, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    public override string ToString() => string.Join(", ", Directives.Select(d => d.Value is null ? d.Key : $"{d.Key}={d.Value}"));
}

/// <summary>How long the edge keeps a response, and what Cache-Control the viewer's browser gets.</summary>
public static class Freshness
{
    /// <summary>
    /// Cloudflare's edge TTL by status when the origin sends neither Cache-Control nor Expires; every other status
    /// is not cached (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/#edge-ttl).
    /// </summary>
    public static TimeSpan? DefaultTtl(int status) => status switch
    {
        200 or 206 or 301 => TimeSpan.FromMinutes(120),
        302 or 303 => TimeSpan.FromMinutes(20),
        404 or 410 => TimeSpan.FromMinutes(3),
        _ => null,
    };

    /// <summary>The zone's Browser Cache TTL when nobody changed it: 4 hours on every plan
    /// (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/).</summary>
    public static readonly TimeSpan ZoneBrowserTtl = TimeSpan.FromHours(4);

    /// <summary>
    /// The edge TTL of a response to an eligible request, or null if it is not stored.
    /// respect_origin: s-maxage, else max-age; no-store, private and no-cache are not stored; without any
    /// Cache-Control or Expires, the default TTL by status
    /// (https://developers.cloudflare.com/cache/concepts/cache-control/ and
    /// https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#edge-ttl).
    /// override_origin: the rule's TTL whatever the origin says ("ignore cache-control header and use this TTL"),
    /// for the statuses Cloudflare caches at all.
    /// </summary>
    public static TimeSpan? EdgeTtl(EdgeTtl? rule, int status, CacheControl? origin, bool hasExpires)
    {
        if (rule is { Mode: "override_origin", Seconds: { } seconds })
            return DefaultTtl(status) is null ? null : TimeSpan.FromSeconds(seconds);
        if (rule is not null && rule.Mode != "respect_origin")
            throw new NotSupportedException($"edge TTL mode {rule.Mode} is not one the edge stand-in implements");
        if (origin is null) return hasExpires ? throw new NotSupportedException("Expires without Cache-Control: the origin never sends it") : DefaultTtl(status);
        if (origin.Has("no-store") || origin.Has("private") || origin.Has("no-cache")) return null;
        var ttl = origin.Seconds("s-maxage") ?? origin.Seconds("max-age");
        return ttl is > 0 ? TimeSpan.FromSeconds(ttl.Value) : null;
    }

    /// <summary>
    /// The Cache-Control the viewer gets for a response the edge caches. Without a browser TTL on the rule, the
    /// zone's Browser Cache TTL replaces an origin max-age shorter than it, and is added when the origin sent no
    /// Cache-Control (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/#browser-cache-ttl);
    /// respect_origin passes the origin's header through.
    /// </summary>
    public static string? BrowserCacheControl(BrowserTtl? rule, CacheControl? origin, TimeSpan zoneBrowserTtl)
    {
        if (rule is { Mode: "respect_origin" }) return origin?.ToString();
        var ttl = rule is null ? (long)zoneBrowserTtl.TotalSeconds
            : throw new NotSupportedException($"browser TTL mode {rule.Mode} is not one the edge stand-in implements");
        if (origin is null) return $"max-age={ttl}";
        if (origin.Has("no-store") || origin.Has("private")) return origin.ToString();
        if (rule is null && origin.Seconds("max-age") is { } originTtl && originTtl >= ttl) return origin.ToString();
        var directives = new Dictionary<string, string?>(origin.Directives, StringComparer.OrdinalIgnoreCase) { ["max-age"] = ttl.ToString(CultureInfo.InvariantCulture) };
        return new CacheControl(directives).ToString();
    }
}
