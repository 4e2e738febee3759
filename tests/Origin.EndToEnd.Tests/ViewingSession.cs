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
        var audience = new Audience(box, fixture.EdgeStandIn, browser);
        var coldPage = audience.HlsJs(cold);
        await using var coldFfmpeg = await audience.Ffmpeg(cold, Play);
        await using var warmFfmpeg = await audience.Ffmpeg(warm, Play);
        var warmPages = new List<Task<HlsJsViewer>>();
        for (var i = 0; i < WarmHlsJs; i++) warmPages.Add(audience.HlsJs(warm));
        var pages = (await Task.WhenAll(warmPages.Append(coldPage))).ToList();
        try
        {
            var recorded = await Audience.Watch(pages, Play);
            var ffmpegDeadline = Play + TimeSpan.FromSeconds(box.Hls.SegmentSeconds * window + 40);
            var ffmpeg = await Task.WhenAll(warmFfmpeg.Finish(ffmpegDeadline), coldFfmpeg.Finish(ffmpegDeadline));
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
