using System.Net;
using Origin.Box;
using Origin.EdgeStandIn;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>The edge stand-in in front of the rendered origin: what the stack's edge policy makes Cloudflare do.</summary>
[Collection(OriginCollection.Name)]
public sealed class EdgeStandInTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task The_origin_sees_the_viewers_address_the_edge_sets_not_one_the_viewer_claims()
    {
        var channel = await fixture.LiveChannel();
        var viewer = fixture.NewLoopbackViewer();
        using var http = fixture.Viewer(viewer);
        // The API bypasses the cache, so this request reaches the origin whatever is cached.
        using var response = await http.Get("/api/health", new Dictionary<string, string> { ["CF-Connecting-IP"] = "203.0.113.9" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DYNAMIC", response.Headers.GetValues("CF-Cache-Status").Single());

        var logged = (await AccessLog.Read(Box)).Where(l => l.Uri == "/api/health").ToList();
        // nginx's realip trusts the edge (loopback is listed as Cloudflare's in this render) and takes CF-Connecting-IP from it.
        Assert.Contains(logged, l => l.RemoteAddr == viewer);
        Assert.DoesNotContain(logged, l => l.RemoteAddr == "203.0.113.9");
        Assert.NotNull(channel);
    }

    [Fact(Timeout = 60_000)]
    public async Task Playlists_are_kept_for_the_origins_max_age_with_one_entry_for_every_token()
    {
        var channel = await fixture.LiveChannel();
        using var first = fixture.Viewer(fixture.NewLoopbackViewer());
        using var second = fixture.Viewer(fixture.NewLoopbackViewer());
        var url = Box.ViewerPlaylistPath(channel, Box.Token(channel));
        await Task.Delay(1100); // whatever another test cached has expired

        using var miss = await first.Get(url);
        using var hit = await second.Get(Box.ViewerPlaylistPath(channel, Box.Token(channel)));
        Assert.Contains(miss.Headers.GetValues("CF-Cache-Status").Single(), new[] { "MISS", "EXPIRED" });
        Assert.Equal("HIT", hit.Headers.GetValues("CF-Cache-Status").Single());
        Assert.Equal(await miss.Content.ReadAsStringAsync(), await hit.Content.ReadAsStringAsync());
        // The cache rule respects the origin's max-age (1 s) at the edge and in the browser.
        Assert.Equal("public, max-age=1", hit.Headers.CacheControl?.ToString());
        await Task.Delay(1100);
        using var expired = await first.Get(url);
        Assert.Equal("EXPIRED", expired.Headers.GetValues("CF-Cache-Status").Single());

        var segment = Playlist.TryParse(await expired.Content.ReadAsStringAsync())!.Segments[^1];
        using var segmentMiss = await first.Get($"{Box.Hls.UrlPrefix}{Box.Token(channel)}/{segment}");
        using var segmentHit = await second.Get($"{Box.Hls.UrlPrefix}{Box.Token(channel)}/{segment}");
        Assert.Equal("HIT", segmentHit.Headers.GetValues("CF-Cache-Status").Single());
        Assert.Equal("public, max-age=3600, immutable", segmentHit.Headers.CacheControl?.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_a_browser_ttl_on_the_rules_browsers_would_keep_playlists_four_hours()
    {
        var channel = await fixture.LiveChannel();
        await using var edge = await fixture.StartEdge(fixture.PolicyWithoutBrowserTtl());
        using var http = fixture.Viewer(fixture.NewLoopbackViewer(), edge);
        using var response = await http.Get(Box.ViewerPlaylistPath(channel, Box.Token(channel)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=14400", response.Headers.CacheControl?.ToString());
    }

    /// <summary>
    /// A cold start holds its request for several segments, longer than the edge's cache lock waits
    /// (EdgeOptions.CacheLockTimeout, CacheTier cites Pingora's lock): the first viewers' requests do not all
    /// collapse into one, and nothing may depend on it. Each must still get a playlist a player can start on.
    /// Measured with the lock modelled (2026-12-07): 8 first viewers, segments listed 1, 1, 1, 1, 1, 1, 3, 3: the
    /// viewers released by the lock reach the origin after the playlist file exists and before it lists
    /// hls.startSegments, and the static location serves it ("The cold-start gate leaks", issue 15, an origin-side
    /// fix). Until the playlist is published only once it lists enough segments, this test asserts what holds
    /// (every first viewer gets a playlist, the collapsed ones a full start) and prints the counts.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task Concurrent_first_viewers_of_a_cold_channel_each_get_a_playlist_without_collapsing()
    {
        var channel = fixture.NewChannel();
        var viewers = Enumerable.Range(0, 8).Select(_ => fixture.Viewer(fixture.NewLoopbackViewer())).ToList();
        var responses = await Task.WhenAll(viewers.Select(async v => await v.Get(Box.ViewerPlaylistPath(channel, Box.Token(channel)))));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        var origin = (await AccessLog.Read(Box)).Where(l => l.Uri == $"{Box.Hls.UrlPrefix}{Box.Hls.PlaylistPrefix}{channel}.m3u8").ToList();
        var listed = bodies.Select(b => Playlist.TryParse(b)?.Segments.Count ?? 0).ToList();
        output.WriteLine($"{responses.Length} viewers, {origin.Count} origin request(s); cache statuses: {string.Join(", ", responses.Select(r => r.Headers.GetValues("CF-Cache-Status").Single()))}; " +
            $"segments listed: {string.Join(", ", listed)}; hls.startSegments {Box.Settings.Hls.StartSegments}");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(listed, n => Assert.True(n >= 1, $"a first viewer got a playlist of no segment: {string.Join(", ", listed)}"));
        Assert.Contains(listed, n => n >= Box.Settings.Hls.StartSegments);
        foreach (var r in responses) r.Dispose();
        foreach (var v in viewers) v.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_viewer_over_the_rate_limit_is_blocked_and_others_are_not()
    {
        var channel = await fixture.LiveChannel();
        var rule = Assert.Single(fixture.EdgeStandIn.Policy.RateLimitRules);
        var (flooder, other) = (fixture.NewLoopbackViewer(), fixture.NewLoopbackViewer());
        using var flood = fixture.Viewer(flooder);
        using var calm = fixture.Viewer(other);
        var url = Box.ViewerPlaylistPath(channel, Box.Token(channel));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= rule.RequestsPerPeriod; i++)
        {
            using var r = await flood.Get(url);
            statuses.Add(r.StatusCode);
        }
        Assert.All(statuses.Take((int)rule.RequestsPerPeriod), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((HttpStatusCode)429, statuses[^1]);
        using var stillBlocked = await flood.Get(url);
        Assert.Equal((HttpStatusCode)429, stillBlocked.StatusCode);
        using var unaffected = await calm.Get(url);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waf_custom_rule_blocks_before_cache_and_origin()
    {
        var channel = await fixture.LiveChannel();
        await using var edge = await EdgeServer.Start(fixture.EdgeStandIn.Policy, new Uri($"http://127.0.0.1:{Box.Ports.Http}"),
            new EdgeOptions { CustomRules = [r => !r.Query.Contains("verify=", StringComparison.Ordinal)] });
        using var http = fixture.Viewer(fixture.NewLoopbackViewer(), edge);
        using var blocked = await http.Get(Box.PlaylistUrl(channel, null));
        using var allowed = await http.Get(Box.ViewerPlaylistPath(channel, Box.Token(channel)));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (blocked.StatusCode, allowed.StatusCode));
    }
}
