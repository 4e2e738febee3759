using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>Playlists are never served from a cached descriptor of a file FFmpeg has replaced (AUDIT-NOTES #1).</summary>
[Collection(OriginCollection.Name)]
public sealed class FreshnessTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 90_000)]
    public async Task A_served_playlist_is_never_a_segment_behind_the_file_on_disk()
    {
        var channel = await fixture.LiveChannel();
        var (viewer, token) = (fixture.NewViewerIp(), Box.Token(channel));
        var file = Box.PlaylistFile(channel);
        // As often as the per-token limit lets one viewer poll, for 32 s: 16 segments go by.
        var period = TimeSpan.FromSeconds(1.0 / (Box.Settings.Nginx.RateLimits.PerTokenRate - 1));
        var watch = TimeSpan.FromSeconds(32);
        var (samples, maxLag, seen) = (0, long.MinValue, new HashSet<long>());
        var end = DateTime.UtcNow + watch;
        while (DateTime.UtcNow < end)
        {
            var before = Playlist.ReadFile(file)!.MediaSequence;
            var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, token), viewer);
            var after = Playlist.ReadFile(file)!.MediaSequence;
            Assert.Equal(HttpStatusCode.OK, status);
            var served = Playlist.TryParse(body)!.MediaSequence;
            Assert.True(served >= before - 1, $"served media sequence {served} while the file on disk was at {before}");
            Assert.True(served <= after, $"served media sequence {served} is ahead of the file ({after})");
            (samples, maxLag) = (samples + 1, Math.Max(maxLag, before - served));
            seen.Add(before);
            await Task.Delay(period);
        }
        // The playlist was live all along (a loaded machine may run FFmpeg a little slower than real time).
        var segments = (int)(watch.TotalSeconds / Box.Hls.SegmentSeconds);
        Assert.True(seen.Count >= segments / 2, $"the playlist moved through {seen.Count} sequence numbers in {watch.TotalSeconds} s; expected about {segments}");
        output.WriteLine($"{samples} playlists over {watch.TotalSeconds} s, {seen.Count} media sequences: served at most {Math.Max(0, maxLag)} segment(s) behind the disk");
    }
}
