using System.Net;
using Origin.Box;
using Origin.Edge;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// What a viewer's browser is told to keep: the real origin's Cache-Control, passed through Cloudflare's
/// documented browser-TTL handling with the cache rules of the edge policy.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class BrowserCacheTtlTests(OriginFixture fixture)
{
    private OriginBox Box => fixture.Box;

    /// <summary>Cloudflare's default Browser Cache TTL, on every plan (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/).</summary>
    private static readonly TimeSpan ZoneBrowserCacheTtl = TimeSpan.FromHours(4);

    /// <summary>
    /// The max-age Cloudflare sends browsers, as documented. With no browser TTL in the matching cache
    /// rule the zone's Browser Cache TTL replaces a shorter origin max-age
    /// (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/set-browser-ttl/); with
    /// "respect origin" the origin's Cache-Control passes unchanged
    /// (https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#browser-ttl).
    /// </summary>
    private static TimeSpan? ToBrowser(TimeSpan? originMaxAge, BrowserTtl? rule) => rule?.Mode switch
    {
        "respect_origin" => originMaxAge,
        null => originMaxAge is { } age && age >= ZoneBrowserCacheTtl ? age : ZoneBrowserCacheTtl,
        var mode => throw new NotSupportedException($"this stand-in models respect_origin and no rule, not {mode}"),
    };

    [Fact(Timeout = 60_000)]
    public async Task Browsers_reload_playlists_after_the_origins_max_age_not_the_zones_four_hours()
    {
        var channel = await fixture.LiveChannel();
        var (viewer, token) = (fixture.NewViewerIp(), Box.Token(channel));
        var rules = EdgePolicy.Build(Box.Settings).CacheRules.ToDictionary(r => r.Ref);

        using var playlist = await Box.Edge.Get(Box.PlaylistUrl(channel, token), viewer);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        var origin = playlist.Headers.CacheControl?.MaxAge;
        Assert.NotNull(origin);
        Assert.True(origin < ZoneBrowserCacheTtl);
        // What the player sees decides whether it fetches the next playlist or replays the old one.
        Assert.Equal(origin, ToBrowser(origin, rules["playlists"].BrowserTtl));
        Assert.Equal(ZoneBrowserCacheTtl, ToBrowser(origin, null)); // what a rule without a browser TTL would send

        var parsed = Playlist.TryParse(await playlist.Content.ReadAsStringAsync())!;
        using var segment = await Box.Edge.Get(Box.Media(parsed.Segments[^1], token), viewer);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        var segmentAge = segment.Headers.CacheControl?.MaxAge;
        Assert.Equal(segmentAge, ToBrowser(segmentAge, rules["segments"].BrowserTtl));
    }
}
