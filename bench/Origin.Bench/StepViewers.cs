using Microsoft.Playwright;
using Origin.Box;
using Origin.Edge;
using Origin.EdgeStandIn;
using Origin.Settings;
using Origin.Viewers;

namespace Origin.Bench;

/// <summary>bench/run's real players: <paramref name="HlsJs"/> hls.js pages (and with <paramref name="Ffmpeg"/> one FFmpeg) per load step,
/// each watched for <paramref name="Play"/> from its first frame. No hls.js players: no viewers' table.</summary>
internal sealed record ViewerOptions(int HlsJs, bool Ffmpeg, TimeSpan Play)
{
    /// <summary>The players join this long after the step's load began, so they meet it established.</summary>
    public static readonly TimeSpan JoinAfter = TimeSpan.FromSeconds(2);

    /// <summary>What a step allows for the first frame before the play (a cold edge cache, a loaded origin).</summary>
    public static readonly TimeSpan FirstFrameAllowance = TimeSpan.FromSeconds(15);

    public bool Any => HlsJs > 0;

    /// <summary>How long a step's load must last for its players: join, first frame, play, and for FFmpeg the playlist
    /// window more that it reads ahead of its playhead (see <see cref="Audience.Ffmpeg"/>).</summary>
    public TimeSpan Hold(HlsSettings hls) => !Any ? TimeSpan.Zero
        : JoinAfter + FirstFrameAllowance + Play + (Ffmpeg ? TimeSpan.FromSeconds(hls.SegmentSeconds * hls.ListSize) : TimeSpan.Zero);
}

/// <summary>
/// The players of one load step: through a new edge stand-in (its cache empty) in front of the config under load, they
/// join the channel under load and are recorded when each has watched the play time or when the load ends, whichever
/// comes first.
/// </summary>
internal sealed class StepViewers(OriginBox box, HlsJsPlayers browser, ViewerOptions options)
{
    private readonly EdgePolicy _stack = EdgePolicy.Build(box.Settings);

    /// <summary>
    /// The edge in front of a config. The stack's: its own policy. before's and audit's: the audited host's Cloudflare,
    /// which cached neither playlists nor segments (no cache rule, and Cloudflare's default cached extensions hold neither,
    /// see <see cref="CacheSettings"/>; AUDIT-NOTES #13) and had no rate limiting or token rule. Only the stack's URL rewrite
    /// stays, so the players' URLs are the same everywhere: it moves the token from the path into the query, which those
    /// two configs ignore.
    /// </summary>
    public static EdgePolicy EdgeFor(string config, EdgePolicy stack) => config == "stack" ? stack : stack with { CacheRules = [], RateLimitRules = [], TokenCheck = null };

    public async Task<IReadOnlyList<ViewerRow>> Watch(Server server, string channel, Wrk.Load load, DateTime until)
    {
        await Task.Delay(ViewerOptions.JoinAfter);
        // The keys the token rule holds, if the stack's plan has one (the players' tokens are issued with the current key).
        var edgeOptions = PlayerPage.EdgeServing with { TokenKeys = [box.TokenKey, box.TokenKeyPrevious] };
        await using var edge = await EdgeServer.Start(EdgeFor(server.Name, _stack), new Uri($"http://127.0.0.1:{server.Port}"), edgeOptions);
        var audience = new Audience(box, edge, browser);
        await using var ffmpeg = options.Ffmpeg ? await audience.Ffmpeg(channel, options.Play) : null;
        var opened = await Task.WhenAll(Enumerable.Range(0, options.HlsJs).Select(_ => Open(audience, channel)));
        var pages = opened.Where(o => o.Page is not null).Select(o => o.Page!).ToList();
        try
        {
            var hlsJs = (await Record(pages, until)).Concat(opened.Where(o => o.Failed is not null).Select(o => o.Failed!)).ToList();
            var left = until - DateTime.UtcNow;
            var ffmpegs = ffmpeg is null ? [] : new[] { await ffmpeg.Finish(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)) };
            foreach (var record in hlsJs.Concat(ffmpegs)) Console.WriteLine($"  {server.Name} {load.Kind}s {load.Connections}: {record}");
            List<ViewerRow> rows = [ViewerRow.Summarize(load.Kind, load.Connections, server.Name, "hls.js", hlsJs)];
            if (ffmpeg is not null) rows.Add(ViewerRow.Summarize(load.Kind, load.Connections, server.Name, "FFmpeg", ffmpegs));
            return rows;
        }
        finally
        {
            foreach (var page in pages) await page.DisposeAsync();
        }
    }

    /// <summary>A page that did not load (the edge serves it, on the same loaded cores) is a viewer who never saw a frame.</summary>
    private static async Task<(HlsJsViewer? Page, ViewerRecord? Failed)> Open(Audience audience, string channel)
    {
        try
        {
            return (await audience.HlsJs(channel), null);
        }
        catch (PlaywrightException e)
        {
            return (null, Failed("page", e));
        }
    }

    /// <summary>A page Chromium lost while it was watched fails its step's row, not the whole benchmark.</summary>
    private async Task<IReadOnlyList<ViewerRecord>> Record(IReadOnlyList<HlsJsViewer> pages, DateTime until)
    {
        try
        {
            return await Audience.Watch(pages, options.Play, until);
        }
        catch (PlaywrightException e)
        {
            return pages.Select(_ => Failed("recording", e)).ToList();
        }
    }

    private static ViewerRecord Failed(string what, PlaywrightException e) =>
        new("hls.js", null, [], [], [], [$"{what}: {e.Message.Split('\n')[0]}"], TimeSpan.Zero);
}
