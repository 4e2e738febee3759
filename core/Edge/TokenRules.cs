using Origin.Settings;
using Origin.Tokens;

namespace Origin.Edge;

/// <summary>
/// One rule of the zone's http_request_transform ruleset (a URL rewrite). It takes the token out of the
/// path a viewer requests, <c>/live/&lt;token&gt;/stream_7.m3u8</c>, so the cache key is the same
/// <c>/live/stream_7.m3u8</c> for everyone, and puts the token with the channel its file names into the
/// query: the whole MessageMAC the token rule then checks. Segment URIs in a playlist are relative, so a
/// player resolves them against the playlist's URL and every segment request carries the token too.
/// </summary>
/// <param name="PathExpression">A rewrite expression: wildcard_replace() keeps a non-matching path as it is,
/// https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#wildcard_replace.</param>
/// <param name="QueryExpression">Replaces the whole query string, so a viewer cannot supply the one the token rule reads.</param>
public sealed record UrlRewriteRule(string Ref, string Description, string Expression, string PathExpression, string QueryExpression);

/// <summary>
/// The zone's http_request_firewall_custom rule that blocks playlist and segment requests without a valid
/// token, before the cache. Its expression holds the token keys, so the policy keeps it with a
/// placeholder per key: <see cref="Expression"/> fills them in, inside the Pulumi layer's secret Output.
/// </summary>
/// <param name="Lifetime">is_timed_hmac_valid_v0's ttl: a token is valid while now &lt; its timestamp + ttl.</param>
public sealed record TokenRule(string Ref, string Description, string Scope, long Lifetime)
{
    /// <summary>Stands for a key in <see cref="Redacted"/>; never a valid key (the alphabet has no '&lt;').</summary>
    public static string Placeholder(string configKey) => $"<secret origin:{configKey}>";

    /// <summary>The rule as Cloudflare gets it. Any key passes the check the deploy already made, again.</summary>
    public string Expression(IReadOnlyList<string> keys)
    {
        if (keys.Count is 0 or > 2) throw new ArgumentException("one key, or two during a rotation", nameof(keys));
        return Render(keys.Select(Plan.Supplies.CheckTokenKey).ToList());
    }

    /// <summary>The rule with placeholders for the keys: for previews, logs and tests.</summary>
    public string Redacted(bool rotating) =>
        Render(rotating ? [Placeholder(OriginSecrets.TokenSecretKey), Placeholder(OriginSecrets.TokenSecretPreviousKey)] : [Placeholder(OriginSecrets.TokenSecretKey)]);

    // The rewritten query is the MessageMAC: "channel=<id>" + "&verify=" + "<timestamp>-<mac>", mac in
    // URL-safe base64 without padding (flag "s"); lengthOfSeparator is the length of "&verify=".
    private string Render(IReadOnlyList<string> keys) =>
        $"{Scope} and not (" + string.Join(" or ", keys.Select(k =>
            $"is_timed_hmac_valid_v0(\"{k}\", http.request.uri.query, {Lifetime}, http.request.timestamp.sec, {ViewerTokens.Separator.Length}, \"{ViewerTokens.Flags}\")")) + ")";
}

/// <summary>How viewer tokens travel through the edge: the rewrites (every plan) and the token rule (Pro and up).</summary>
internal static class TokenRules
{
    public static IReadOnlyList<UrlRewriteRule> Rewrites(OriginSettings s, string host)
    {
        var h = s.Hls;
        var media = $"starts_with(http.request.uri.path, \"{h.UrlPrefix}\")";
        // The captures are the token, the channel id and (for segments) the sequence number; "s" matches
        // case-sensitively. The patterns follow the file names FFmpeg writes (stream-api.env).
        UrlRewriteRule Rule(string name, string extension, string pattern, string path) => new(
            name, $"HLS {name}: the token moves from the path to the query, out of the cache key",
            $"({host} and {media} and http.request.uri.path.extension eq \"{extension}\")",
            $"wildcard_replace(http.request.uri.path, \"{pattern}\", \"{path}\", \"s\")",
            $"wildcard_replace(http.request.uri.path, \"{pattern}\", \"{ViewerTokens.Query("${2}", "${1}")}\", \"s\")");
        return
        [
            Rule("playlist-token", "m3u8", $"{h.UrlPrefix}*/{h.PlaylistPrefix}*.m3u8", $"{h.UrlPrefix}{h.PlaylistPrefix}${{2}}.m3u8"),
            Rule("segment-token", "ts", $"{h.UrlPrefix}*/{h.PlaylistPrefix}*_*.ts", $"{h.UrlPrefix}{h.PlaylistPrefix}${{2}}_${{3}}.ts"),
        ];
    }

    public static TokenRule? Check(OriginSettings s, string host) =>
        PlanLimits.For(s.Cloudflare.Plan).HmacTokens
            ? new TokenRule("viewer-token", "HLS playlists and segments: blocked without a valid viewer token, before the cache",
                $"({host} and starts_with(http.request.uri.path, \"{s.Hls.UrlPrefix}\"))", s.Stream.TokenLifetime.Seconds)
            : null;
}
