using System.Net;
using System.Net.Http.Headers;
using Origin.Box;
using Origin.Capacity;
using Origin.Edge;

namespace Origin.EndToEnd.Tests;

/// <summary>What the edge caches, it caches for as long as the origin says (AUDIT-NOTES #1, #13, #14).</summary>
[Collection(OriginCollection.Name)]
public sealed class CacheHeaderTests(OriginFixture fixture)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task Playlists_and_segments_carry_the_cache_headers_the_edge_policy_relies_on()
    {
        var channel = await fixture.LiveChannel();
        var (viewer, token) = (fixture.NewViewerIp(), Box.Token(channel));
        var policy = EdgePolicy.Build(Box.Settings);
        var playlistRule = policy.CacheRules.Single(r => r.Ref == "playlists");

        using var playlist = await Box.Edge.Get(Box.PlaylistUrl(channel, token), viewer);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType?.MediaType);
        var parsed = Playlist.TryParse(await playlist.Content.ReadAsStringAsync())!;
        AssertPlaylistCaching(playlist.Headers.CacheControl, parsed.TargetDuration);
        // With "respect origin" the edge keeps a playlist exactly this long (AUDIT-NOTES #14).
        Assert.Equal(EdgeTtl.RespectOrigin, playlistRule.EdgeTtl);

        using var segment = await Box.Edge.Get(Box.Media(parsed.Segments[^1], token), viewer);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);
        var cache = segment.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.Equal(TimeSpan.FromSeconds(Box.Settings.Nginx.SegmentMaxAge.Seconds), cache.MaxAge);
        // Far longer than the segment lives at the origin: its name never comes back (epoch numbering).
        Assert.True(cache.MaxAge > TimeSpan.FromSeconds(new Sizing(Box.Settings).Retention.Seconds));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_playlist_answered_by_the_api_on_a_cold_start_is_cached_like_one_from_disk()
    {
        var channel = fixture.NewChannel();
        using var cold = await Box.Edge.Get(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, cold.StatusCode);
        Assert.Null(cold.Headers.ETag); // from the API, not the file
        AssertPlaylistCaching(cold.Headers.CacheControl, Playlist.TryParse(await cold.Content.ReadAsStringAsync())!.TargetDuration);
    }

    [Fact(Timeout = 60_000)]
    public async Task Media_errors_say_no_store_so_the_edge_keeps_no_viewers_error_for_the_others()
    {
        // Without a Cache-Control Cloudflare keeps a 404 for 3 minutes under a key without the token
        // (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/, "Edge TTL").
        var channel = await fixture.LiveChannel();
        var (viewer, token) = (fixture.NewViewerIp(), Box.Token(channel));

        // A segment not (or no longer) there, from the segment location.
        using var missing = await Box.Edge.Get(Box.Media($"{Box.Hls.PlaylistPrefix}{channel}_999999999.ts", token), viewer);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertNoStore(missing);
        // A playlist refused for a token that does not verify: the origin's 403, no playlist for the edge to keep.
        var coldChannel = fixture.NewChannel();
        using var refused = await Box.Edge.Get(Box.PlaylistUrl(coldChannel, Box.Token(coldChannel, key: new string('k', 40))), viewer);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        AssertNoStore(refused);
        // Anything else under the media prefix.
        using var other = await Box.Edge.Get($"{Box.Hls.UrlPrefix}not-media.m3u", viewer);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        AssertNoStore(other);
    }

    /// <summary>Exactly one Cache-Control, no-store: nothing for the edge or a browser to keep.</summary>
    internal static void AssertNoStore(HttpResponseMessage response) =>
        Assert.Equal(["no-store"], response.Headers.TryGetValues("Cache-Control", out var values) ? values : []);

    /// <summary>Public, and at most half a target duration, as rendered.</summary>
    private void AssertPlaylistCaching(CacheControlHeaderValue? cache, int targetDuration)
    {
        Assert.NotNull(cache);
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromSeconds(new Sizing(Box.Settings).PlaylistMaxAge), cache.MaxAge);
        Assert.True(cache.MaxAge <= TimeSpan.FromSeconds(targetDuration / 2.0), $"max-age {cache.MaxAge} for a target duration of {targetDuration} s");
    }
}
