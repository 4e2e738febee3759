using System.Diagnostics;
using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

[Collection(OriginCollection.Name)]
public sealed class ColdStartTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task A_cold_channel_starts_through_start_stream_and_is_playable()
    {
        var (channel, ip) = (fixture.NewChannel(), fixture.NewViewerIp());
        var token = Box.Token(channel);
        Assert.False(File.Exists(Box.PlaylistFile(channel)), "the channel must be cold");

        var clock = Stopwatch.StartNew();
        using var response = await Box.Edge.Get(Box.PlaylistUrl(channel, token), ip);
        var body = await response.Content.ReadAsStringAsync();
        var playlistAfter = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var playlist = Playlist.TryParse(body) ?? throw new Xunit.Sdk.XunitException($"not a live playlist:\n{body}");
        using var segment = await Box.Edge.Get(Box.Media(playlist.Segments[0], token), ip);
        var bytes = await segment.Content.ReadAsByteArrayAsync();
        var playableAfter = clock.Elapsed;

        // Answered by the API through @start_stream (a static file would carry an ETag), which started FFmpeg.
        Assert.Null(response.Headers.ETag);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(await Box.FfmpegPid(channel));
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal(0x47, bytes[0]); // MPEG-TS sync byte
        Assert.Equal(["aac", "h264"], Streams(bytes));
        // The next viewer gets the file nginx serves itself.
        using var again = await Box.Edge.Get(Box.PlaylistUrl(channel, token), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotNull(again.Headers.ETag);

        output.WriteLine($"cold start of channel {channel}: playlist after {playlistAfter.TotalSeconds:F2} s, " +
                         $"playable (first segment of {playlist.Segments.Count}, {bytes.Length} bytes, fetched) after {playableAfter.TotalSeconds:F2} s " +
                         $"(hls_time {Box.Hls.SegmentSeconds} s, hls_init_time {Box.Hls.InitSeconds} s, source keyframes every {Box.Hls.SegmentSeconds} s)");
    }

    /// <summary>The codecs ffprobe finds in a segment (MPEG-TS lists each stream under its program too): it decodes as media, not just as bytes.</summary>
    private IReadOnlyList<string> Streams(byte[] segment)
    {
        var path = Box.Root["/srv/probe.ts"];
        File.WriteAllBytes(path, segment);
        var probe = Run.Capture(Tools.Ffprobe, ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path]).OrThrow("ffprobe");
        return probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Order().ToList();
    }
}
