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
    /// The edge TTL of a response to an eligible request, or null if it is not stored; TimeSpan.Zero means stored
    /// but revalidated with the origin before every use (a status code TTL of 0, "no-cache").
    /// First the rule's status code TTLs: the first whose range holds the status decides, -1 (no-store) not stored,
    /// 0 (no-cache) revalidated every time, otherwise that many seconds, whatever the mode and the origin's
    /// Cache-Control ("overrides the default cache behavior ... and overrides cache instructions sent by the origin
    /// web server"); a 304 with no TTL of its own takes the TTL set for 200, and otherwise the mode's
    /// (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/, "Syntax" and "TTL handling for
    /// 304 and 200 status codes"). Then the mode.
    /// respect_origin: s-maxage, else max-age; no-store, private and no-cache are not stored; without any
    /// Cache-Control or Expires, the default TTL by status
    /// (https://developers.cloudflare.com/cache/concepts/cache-control/ and
    /// https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#edge-ttl).
    /// override_origin: the rule's TTL whatever the origin says ("ignore cache-control header and use this TTL"),
    /// for the statuses Cloudflare caches at all, and for a 304 that revalidates one of them.
    /// Where the documents disagree on who has status code TTLs: the Cache Rules how-to says "Customers"
    /// (every plan) since https://github.com/cloudflare/cloudflare-docs/pull/18587 (December 2024), while the
    /// older support article it replaced, https://support.cloudflare.com/hc/en-us/articles/360043842472, still
    /// says "Enterprise customers" (that one is about Page Rules' cache_ttl_by_status). The stand-in applies them
    /// on every plan, as the policy does (EdgeTtl.Override in core/Edge/EdgePolicy.cs).
    /// </summary>
    public static TimeSpan? EdgeTtl(EdgeTtl? rule, int status, CacheControl? origin, bool hasExpires)
    {
        if (rule is not null && ByStatus(rule, status) is { } seconds)
            return seconds < 0 ? null : TimeSpan.FromSeconds(seconds);
        if (rule is { Mode: "override_origin", Seconds: { } ttl })
            return DefaultTtl(status) is null && status != 304 ? null : TimeSpan.FromSeconds(ttl);
        if (rule is not null && rule.Mode != "respect_origin")
            throw new NotSupportedException($"edge TTL mode {rule.Mode} is not one the edge stand-in implements");
        if (origin is null) return hasExpires ? throw new NotSupportedException("Expires without Cache-Control: the origin never sends it") : DefaultTtl(status == 304 ? 200 : status);
        if (origin.Has("no-store") || origin.Has("private") || origin.Has("no-cache")) return null;
        var maxAge = origin.Seconds("s-maxage") ?? origin.Seconds("max-age");
        return maxAge is > 0 ? TimeSpan.FromSeconds(maxAge.Value) : null;
    }

    private static long? ByStatus(EdgeTtl rule, int status)
    {
        long? Match(int code) => rule.StatusCodeTtls.FirstOrDefault(t => t.From <= code && code <= t.To)?.Value;
        return status == 304 ? Match(304) ?? Match(200) : Match(status);
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
