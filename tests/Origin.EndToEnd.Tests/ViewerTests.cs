using Origin.Viewers;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// Real players through the edge stand-in (see <see cref="ViewingSession"/>): what viewers see. Thresholds on the
/// first frame leave room for a loaded 2-core CI machine; stalls after the first frame must be none at all.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class ViewerTests(OriginFixture fixture, ITestOutputHelper output)
{
    private static Task<ViewingSession>? _session;
    private static readonly Lock Once = new();

    private async Task<ViewingSession> Session()
    {
        lock (Once) _session ??= ViewingSession.Run(fixture);
        var session = await _session;
        return session;
    }

    private void Report(string what, ViewerRecord record) => output.WriteLine($"{what}: {record}");

    private static void PlaysWithoutStalling(ViewerRecord viewer, TimeSpan firstFrameWithin)
    {
        Assert.True(viewer.FirstFrame is { } f && f < firstFrameWithin, $"first frame within {firstFrameWithin.TotalSeconds} s: {viewer}");
        Assert.True(viewer.Played >= ViewingSession.Play, $"played {ViewingSession.Play.TotalSeconds} s: {viewer}");
        Assert.True(viewer.Stalls.Count == 0, $"no stall after the first frame: {viewer}");
        // The live window moved on with the channel: about one segment per segment duration watched.
        Assert.True(viewer.SequenceProgress >= 25, $"the media sequence moved on: {viewer}");
        Assert.DoesNotContain(viewer.Errors, e => e.Contains("fatal", StringComparison.Ordinal) || viewer.Player == "ffmpeg");
    }

    [Fact(Timeout = 240_000)]
    public async Task Viewers_of_a_warm_channel_start_at_once_and_never_stall()
    {
        var session = await Session();
        foreach (var viewer in session.Warm) Report("warm hls.js", viewer);
        Report("warm ffmpeg", session.WarmFfmpeg);
        foreach (var viewer in session.Warm) PlaysWithoutStalling(viewer, TimeSpan.FromSeconds(12));
        PlaysWithoutStalling(session.WarmFfmpeg, TimeSpan.FromSeconds(12));
    }

    [Fact(Timeout = 240_000)]
    public async Task The_first_viewer_of_a_cold_channel_never_stalls()
    {
        var session = await Session();
        Report("cold hls.js", session.Cold);
        Report("cold ffmpeg", session.ColdFfmpeg);
        PlaysWithoutStalling(session.Cold, TimeSpan.FromSeconds(20));
        PlaysWithoutStalling(session.ColdFfmpeg, TimeSpan.FromSeconds(20));
    }

    [Fact(Timeout = 240_000)]
    public async Task Viewers_of_one_channel_cost_the_origin_one_fetch_per_segment_and_playlist_refresh()
    {
        var session = await Session();
        var channel = fixture.Box.Hls.PlaylistPrefix + session.WarmChannel;
        bool Warm(string path) => path.Contains($"/{channel}.", StringComparison.Ordinal) || path.Contains($"/{channel}_", StringComparison.Ordinal);
        var origin = session.Origin.Where(l => Warm(l.Uri)).ToList();
        var edge = session.Edge.Where(e => Warm(e.Path)).ToList();
        var segments = origin.Where(l => l.Uri.EndsWith(".ts", StringComparison.Ordinal)).GroupBy(l => l.Uri).ToList();
        var playlists = origin.Where(l => l.Uri.EndsWith(".m3u8", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{ViewingSession.WarmHlsJs + 1} viewers of channel {session.WarmChannel}: {edge.Count} requests to the edge " +
                         $"({edge.Count(e => e.Path.EndsWith(".m3u8", StringComparison.Ordinal))} playlists), {origin.Count} to the origin " +
                         $"({playlists.Count} playlists, {segments.Count} segments, most fetches of one segment {segments.Max(g => g.Count())})");

        Assert.All(segments, g => Assert.True(g.Count() == 1, $"{g.Key} fetched {g.Count()} times from the origin"));
        // The playlist's edge TTL is its origin max-age (1 s): one fetch per refresh window at most.
        var maxAge = new Origin.Capacity.Sizing(fixture.Box.Settings).PlaylistMaxAge;
        Assert.All(playlists.GroupBy(l => l.At.ToUnixTimeSeconds() / maxAge), g => Assert.True(g.Count() == 1, $"{g.Count()} playlist fetches within {maxAge} s at {g.First().At:T}"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Behind_an_edge_that_lets_the_zones_browser_ttl_apply_hls_js_freezes()
    {
        // The policy as it was before the cache rules set the browser TTL: browsers keep playlists 4 hours.
        await using var edge = await fixture.StartEdge(fixture.PolicyWithoutBrowserTtl());
        var channel = await fixture.LiveChannel();
        await using var browser = await HlsJsPlayers.Launch(fixture.HostName);
        await using var viewer = await new Audience(fixture.Box, edge, browser).HlsJs(channel);
        var record = (await Audience.Watch([viewer], TimeSpan.FromSeconds(30)))[0];
        Report("hls.js, zone browser TTL", record);
        // The browser answers every reload from its cache: the live window never moves and playback runs dry.
        Assert.Equal(0, record.SequenceProgress);
        Assert.NotEmpty(record.Stalls);
    }
}
