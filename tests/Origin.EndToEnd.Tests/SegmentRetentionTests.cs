using System.Diagnostics;
using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// RFC 8216 section 6.2.2, against real FFmpeg: "When the server removes a Media Segment URI from the Playlist, the
/// corresponding Media Segment MUST remain available to clients for a period of time equal to the duration of the
/// segment plus the duration of the longest Playlist file distributed by the server containing that segment"
/// (https://www.rfc-editor.org/rfc/rfc8216#section-6.2.2). An edge that missed late must not get a 404.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class SegmentRetentionTests(OriginFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    /// <summary>FFmpeg cuts on the source's clock (-re); a loaded 2-core machine delays a cut or a poll by this much.</summary>
    private static readonly TimeSpan Jitter = TimeSpan.FromSeconds(0.6);

    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 90_000)]
    public async Task A_segment_that_left_the_playlist_is_served_for_its_duration_plus_the_playlists()
    {
        var channel = await fixture.StartChannel();
        var first = await PlaylistFromOrigin(channel) ?? throw new Xunit.Sdk.XunitException("the started channel serves no playlist");
        // The playlist's first segment: it leaves the playlist soonest. Nobody has fetched it, so nginx's descriptor cache
        // for segments cannot serve it after it is gone from the disk: what is served below is what is on the disk.
        var segment = first.Segments[0];
        var file = Path.Combine(Box.HlsDir, segment);
        var duration = first.Durations[0];
        var longestPlaylist = first.Seconds;

        // Watch the playlist (over HTTP, as an edge fetches it) until the segment leaves it, and the disk until it goes.
        var clock = Stopwatch.StartNew();
        TimeSpan lastListed = clock.Elapsed, removed = TimeSpan.Zero, deleted = TimeSpan.Zero;
        var watchFor = TimeSpan.FromSeconds(Box.Hls.SegmentSeconds * (2 * Box.Hls.ListSize + 4));
        while (deleted == TimeSpan.Zero)
        {
            Assert.True(clock.Elapsed < watchFor, $"{segment} still on disk {clock.Elapsed.TotalSeconds:F1} s after it was first seen (removed from the playlist at {removed.TotalSeconds:F1} s)");
            if (removed == TimeSpan.Zero)
            {
                var now = clock.Elapsed;
                var playlist = await PlaylistFromOrigin(channel);
                if (playlist?.Segments.Contains(segment) == true)
                {
                    lastListed = now;
                    longestPlaylist = Math.Max(longestPlaylist, playlist.Seconds);
                }
                else if (playlist is not null) removed = clock.Elapsed;
            }
            if (!File.Exists(file)) deleted = clock.Elapsed;
            else if (removed != TimeSpan.Zero && clock.Elapsed - removed >= Required(duration, longestPlaylist) - 2 * Jitter && !_fetched)
                await FetchOnce(channel, segment);
            await Task.Delay(Tick);
        }

        var required = Required(duration, longestPlaylist);
        output.WriteLine($"channel {channel}: {segment} ({duration:F3} s, longest playlist listing it {longestPlaylist:F3} s) left the playlist between " +
                         $"{lastListed.TotalSeconds:F1} s and {removed.TotalSeconds:F1} s and left the disk at {deleted.TotalSeconds:F1} s: " +
                         $"available {(deleted - removed).TotalSeconds:F1} to {(deleted - lastListed).TotalSeconds:F1} s after its removal; RFC 8216 6.2.2 requires {required.TotalSeconds:F1} s");
        Assert.True(removed != TimeSpan.Zero, $"{segment} left the disk while the playlist still listed it");
        // The removal happened after lastListed, so deleted - lastListed bounds the time it stayed from above: even that
        // is short of the RFC's period when the threshold is one segment short, and this fails.
        Assert.True(deleted - lastListed >= required - Jitter,
            $"{segment} was deleted {(deleted - lastListed).TotalSeconds:F1} s at most after it left the playlist; RFC 8216 6.2.2 requires {required.TotalSeconds:F1} s");
        Assert.True(_fetched, $"{segment} was never fetched near the end of its RFC period");
    }

    private bool _fetched;

    /// <summary>Fetches the segment once, as an edge that missed late does, and asserts it is served whole.</summary>
    private async Task FetchOnce(string channel, string segment)
    {
        _fetched = true;
        using var response = await Box.Edge.Get(Box.Media(segment, Box.DistinctToken(channel)), fixture.NewViewerIp());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(bytes.Length > 0 && bytes[0] == 0x47, $"{segment}: not MPEG-TS ({bytes.Length} bytes)");
    }

    private static TimeSpan Required(double segmentSeconds, double playlistSeconds) => TimeSpan.FromSeconds(segmentSeconds + playlistSeconds);

    /// <summary>The playlist as nginx serves it to an edge now (a fresh viewer and token each time: no limit counts them together).</summary>
    private async Task<Playlist?> PlaylistFromOrigin(string channel)
    {
        var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.DistinctToken(channel)), fixture.NewViewerIp());
        return status == HttpStatusCode.OK ? Playlist.TryParse(body) : null;
    }
}
