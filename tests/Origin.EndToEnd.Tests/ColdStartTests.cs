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

    /// <summary>
    /// The gate holds on every path to nginx, not only for the requests that joined the start: a fill that misses the
    /// first request (another upper tier, a second colo) asks nginx while FFmpeg has written one or two segments, and
    /// must get the channel's playlist with hls.startSegments segments, never fewer.
    /// </summary>
    [Fact(Timeout = 90_000)]
    public async Task No_request_sees_a_cold_channels_playlist_before_it_lists_the_start_segments()
    {
        var channel = fixture.NewChannel();
        var wanted = Box.Hls.StartSegments;
        var start = Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp());
        var requests = new List<Task<(TimeSpan At, HttpStatusCode Status, string Body)>>();
        var written = new List<(TimeSpan At, int Segments)>(); // what FFmpeg had written (its private playlist) meanwhile
        var clock = Stopwatch.StartNew();
        // Requests straight to nginx every 100 ms, each from its own viewer with its own token, until the start answers.
        while (!start.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            requests.Add(Fill(channel, clock));
            // FFmpeg's own playlist: its private name, or the public one if an API lets FFmpeg write that.
            if ((Playlist.ReadFile(Box.PlaylistFile(channel) + ".ffmpeg") ?? Playlist.ReadFile(Box.PlaylistFile(channel))) is { } p)
                written.Add((clock.Elapsed, p.Segments.Count));
            await Task.Delay(100);
        }
        var (status, body) = await start;
        Assert.Equal(HttpStatusCode.OK, status);
        for (var i = 0; i < 10; i++) // and a second after it, when nginx serves the published file itself
        {
            requests.Add(Fill(channel, clock));
            await Task.Delay(100);
        }
        var answers = await Task.WhenAll(requests);

        // The window was real: FFmpeg's playlist existed with fewer segments while the requests came.
        Assert.Contains(written, w => w.Segments < wanted);
        var served = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => (a.At, Playlist.TryParse(a.Body)?.Segments.Count ?? 0)).ToList();
        Assert.NotEmpty(served);
        Assert.All(served, s => Assert.True(s.Item2 >= wanted, $"a request at {s.At.TotalSeconds:F1} s got a playlist of {s.Item2} segments (hls.startSegments {wanted})"));
        output.WriteLine($"channel {channel}: {answers.Length} requests to nginx during and after its cold start, {served.Count} answered 200, " +
                         $"fewest segments served {served.Min(s => s.Item2)} (hls.startSegments {wanted}); FFmpeg's private playlist listed " +
                         string.Join(", ", written.Select(w => w.Segments).Distinct()) + " segments meanwhile; other statuses: " +
                         string.Join(", ", answers.Where(a => a.Status != HttpStatusCode.OK).GroupBy(a => (int)a.Status).Select(g => $"{g.Key} x{g.Count()}")));
        Assert.Contains("#EXTINF", body);
    }

    private async Task<(TimeSpan At, HttpStatusCode Status, string Body)> Fill(string channel, Stopwatch clock)
    {
        var at = clock.Elapsed;
        var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.DistinctToken(channel)), fixture.NewViewerIp());
        return (at, status, body);
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
