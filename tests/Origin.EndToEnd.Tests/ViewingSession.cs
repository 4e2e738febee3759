using System.Diagnostics;
using Origin.Box;
using Origin.Viewers;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// One minute of real viewers through the edge stand-in, recorded once for the player tests (two channels at
/// the same time, to fit CI's budget): a warm channel, running a full playlist window before anyone watches,
/// with <see cref="WarmHlsJs"/> hls.js viewers and one FFmpeg viewer; and a cold channel whose first viewers are
/// one hls.js and one FFmpeg, arriving together.
/// </summary>
public sealed class ViewingSession
{
    public const int WarmHlsJs = 2;
    public static readonly TimeSpan Play = TimeSpan.FromSeconds(60);

    public required string WarmChannel { get; init; }
    public required string ColdChannel { get; init; }
    public required IReadOnlyList<ViewerRecord> Warm { get; init; }
    public required ViewerRecord WarmFfmpeg { get; init; }
    public required ViewerRecord Cold { get; init; }
    public required ViewerRecord ColdFfmpeg { get; init; }
    /// <summary>What reached the origin while the viewers watched.</summary>
    public required IReadOnlyList<AccessLine> Origin { get; init; }
    /// <summary>What the viewers asked the edge for.</summary>
    public required IReadOnlyList<EdgeStandIn.EdgeLogEntry> Edge { get; init; }

    public static async Task<ViewingSession> Run(OriginFixture fixture)
    {
        var box = fixture.Box;
        var warm = await fixture.StartChannel();
        var window = box.Hls.ListSize;
        await Poll.Until(() => Playlist.ReadFile(box.PlaylistFile(warm))?.Segments.Count >= window,
            TimeSpan.FromSeconds(box.Hls.SegmentSeconds * (window + 4)), $"channel {warm} lists {window} segments");
        var cold = fixture.NewChannel();
        var since = DateTimeOffset.UtcNow;
        var edgeFrom = fixture.EdgeStandIn.Log.Count;

        await using var browser = await HlsJsPlayers.Launch(fixture.HostName);
        var page = new Uri($"http://{fixture.HostName}:{fixture.EdgeStandIn.Port}");
        async Task<string> Url(string channel) => box.PlaylistUrl(channel, await box.NewToken());
        var ffmpegPlay = Play + TimeSpan.FromSeconds(box.Hls.SegmentSeconds * window);
        var edgeUrl = async (string channel) => $"http://127.0.0.1:{fixture.EdgeStandIn.Port}{await Url(channel)}";

        var clock = Stopwatch.StartNew();
        var coldUrls = (await Url(cold), await edgeUrl(cold));
        var coldPlayer = browser.Open(page, coldUrls.Item1);
        await using var coldFfmpeg = FfmpegViewer.Start(coldUrls.Item2, fixture.HostName, ffmpegPlay);
        await using var warmFfmpeg = FfmpegViewer.Start(await edgeUrl(warm), fixture.HostName, ffmpegPlay);
        var warmPlayers = new List<Task<HlsJsViewer>>();
        for (var i = 0; i < WarmHlsJs; i++) warmPlayers.Add(browser.Open(page, await Url(warm)));
        var pages = (await Task.WhenAll(warmPlayers.Append(coldPlayer))).ToList();
        try
        {
            // Every page plays its minute from its own first frame; bounded for a page that never gets one.
            var deadline = clock.Elapsed + Play + TimeSpan.FromSeconds(30);
            while (clock.Elapsed < deadline)
            {
                var records = await Task.WhenAll(pages.Select(p => p.Record()));
                if (records.All(r => r.FirstFrame is { } f && r.Played - f >= Play)) break;
                await Task.Delay(500);
            }
            var recorded = await Task.WhenAll(pages.Select(p => p.Record()));
            var ffmpeg = await Task.WhenAll(warmFfmpeg.Finish(ffmpegPlay + TimeSpan.FromSeconds(40)), coldFfmpeg.Finish(ffmpegPlay + TimeSpan.FromSeconds(40)));
            return new ViewingSession
            {
                WarmChannel = warm,
                ColdChannel = cold,
                Warm = recorded[..WarmHlsJs],
                Cold = recorded[WarmHlsJs],
                WarmFfmpeg = ffmpeg[0],
                ColdFfmpeg = ffmpeg[1],
                Origin = (await AccessLog.Read(box)).Where(l => l.At >= since.AddSeconds(-1)).ToList(),
                Edge = fixture.EdgeStandIn.Log.Skip(edgeFrom).ToList(),
            };
        }
        finally
        {
            foreach (var p in pages) await p.DisposeAsync();
        }
    }
}
