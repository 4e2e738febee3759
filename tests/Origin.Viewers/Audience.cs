using Origin.Box;
using Origin.EdgeStandIn;

namespace Origin.Viewers;

/// <summary>Viewers of the loopback origin through an edge stand-in in front of it, as the tests and the benchmark start them.</summary>
public sealed class Audience(OriginBox box, EdgeServer edge, HlsJsPlayers browser)
{
    public string HostName => edge.Policy.RecordName;

    /// <summary>The player page on the zone's host name, through the edge.</summary>
    public Uri Page => new($"http://{HostName}:{edge.Port}");

    /// <summary>A playlist URL with a fresh token in its path, as the app hands it to the page (relative, same-origin); the edge rewrites it.</summary>
    public Task<string> PlaylistPath(string channel) => Task.FromResult(box.ViewerPlaylistPath(channel, box.Token(channel)));

    /// <summary>The same for FFmpeg, which connects to the edge's loopback port and sends the host name itself.</summary>
    public async Task<string> PlaylistUrl(string channel) => $"http://127.0.0.1:{edge.Port}{await PlaylistPath(channel)}";

    public async Task<HlsJsViewer> HlsJs(string channel) => await browser.Open(Page, await PlaylistPath(channel));

    /// <summary>FFmpeg reading enough media to be watched for <paramref name="play"/> after its first frame
    /// (it starts up to a playlist window ahead of the playhead).</summary>
    public async Task<FfmpegViewer> Ffmpeg(string channel, TimeSpan play) =>
        FfmpegViewer.Start(await PlaylistUrl(channel), HostName, play + TimeSpan.FromSeconds(box.Hls.SegmentSeconds * box.Hls.ListSize));

    /// <summary>Waits until every page has played <paramref name="play"/> from its first frame, then records them;
    /// at the latest at <paramref name="until"/> (by default 40 s more than the play).</summary>
    public static async Task<ViewerRecord[]> Watch(IReadOnlyList<HlsJsViewer> pages, TimeSpan play, DateTime? until = null)
    {
        var deadline = until ?? DateTime.UtcNow + play + TimeSpan.FromSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            var records = await Task.WhenAll(pages.Select(p => p.Record()));
            if (records.All(r => r.FirstFrame is { } f && r.Played - f >= play)) break;
            await Task.Delay(500);
        }
        return await Task.WhenAll(pages.Select(p => p.Record()));
    }

    /// <summary>The first viewers of a channel nobody has started: one hls.js and one FFmpeg, arriving together.</summary>
    public async Task<(ViewerRecord HlsJs, ViewerRecord Ffmpeg)> ColdStart(string channel, TimeSpan play)
    {
        var page = HlsJs(channel);
        await using var ffmpeg = await Ffmpeg(channel, play);
        await using var viewer = await page;
        var recorded = await Watch([viewer], play);
        return (recorded[0], await ffmpeg.Finish(play + TimeSpan.FromSeconds(box.Hls.SegmentSeconds * box.Hls.ListSize + 40)));
    }
}
