using Origin.Bench;
using Origin.Box;
using Origin.Edge;
using Origin.Viewers;

// bench/run [--duration S] [--ladder 1000,2000,...] [--configs before,audit,stack] [--kinds playlist,segment] [--timeout S]
//           [--viewers N] [--play S] [--ffmpeg] (real players during each step; --viewers 0: none)
//           [--set section.key=value]... (renders the stack with that change) [--out FILE]
if (args is ["cold-starts", .. var rest])
{
    await ColdStarts.Run(rest);
    return;
}
if (args is ["chart", .. var chartArgs])
{
    // Redraws BENCHMARKS.png from the tables of the last run, without running it again.
    var markdown = chartArgs is ["--out", var md] ? Path.GetFullPath(md) : Path.Combine(Repo.Root, "BENCHMARKS.md");
    LadderChart.Draw(LadderChart.FromMarkdown(markdown), LadderChart.PathBeside(markdown));
    Console.WriteLine($"wrote {LadderChart.PathBeside(markdown)}");
    return;
}
var options = Options.Parse(args);
Tools.RequireBox((Tools.Wrk, "wrk"));
Console.WriteLine("starting the origin on loopback (channels at the stack's bitrate)...");
await using var box = await OriginBox.Start(productionBitrate: true, options.Sets);

string[] channels = ["1", "2"];
foreach (var channel in channels) await box.StartChannel(channel, "198.19.255.253");
// Warm channels: a full playlist window before the first step (the players join channel 1).
await Poll.Until(() => channels.All(c => Playlist.ReadFile(box.PlaylistFile(c))?.Segments.Count >= box.Hls.ListSize),
    TimeSpan.FromSeconds(box.Hls.SegmentSeconds * (box.Hls.ListSize + 4)), $"the channels list {box.Hls.ListSize} segments");
// One token per viewer, as many viewers as the largest step has connections: viewer n watches channel
// n mod 2 with the query the edge hands on. Tokens are per channel and issue second, so each viewer's is
// issued in a second of its own, counted back from a minute ago (well inside the token lifetime).
var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
var tokensFile = box.Root["/srv/bench-viewer-tokens"];   // removed with the box
File.WriteAllLines(tokensFile, Enumerable.Range(0, options.Ladder.Max()).Select(n =>
{
    var channel = channels[n % channels.Length];
    return Origin.Tokens.ViewerTokens.Query(channel, box.Token(channel, issuedAt: now - 60 - n / channels.Length));
}));
var probeToken = box.Token(channels[0]);

var segment = box.Hls.SegmentSeconds * 1000;
var results = new List<StepResult>();
var viewerRows = new List<ViewerRow>();
await using var browser = options.Viewers.Any ? await HlsJsPlayers.Launch(EdgePolicy.Build(box.Settings).RecordName) : null;
var viewers = browser is null ? null : new StepViewers(box, browser, options.Viewers);
var hold = options.StepDuration(box.Hls);
foreach (var name in options.Configs)
{
    await using var server = await Contenders.Start(name, box);
    foreach (var kind in options.Kinds)
        foreach (var connections in options.Ladder)
        {
            // A player reloads the playlist at most twice per target duration and fetches one segment per target duration.
            var load = new Wrk.Load(kind, connections, tokensFile, kind == "playlist" ? segment / 2 : segment, hold, options.Timeout);
            var window = new LogWindow(server);
            await using var probe = new StalenessProbe(box, server.Port, channels[0], "198.19.255.254", probeToken);
            probe.Start();
            var loadEnds = DateTime.UtcNow + hold - TimeSpan.FromSeconds(1);
            var running = Task.Run(() => Wrk.Run(load, server.Port, box, channels));
            // The players watch while wrk holds the step, until a second before it ends.
            if (viewers is not null) viewerRows.AddRange(await viewers.Watch(server, channels[0], load, loadEnds));
            var wrk = await running;
            var stale = await probe.Stop();
            var (statuses, errors) = window.Read();
            var result = new StepResult(name, load, wrk, stale, statuses, errors);
            results.Add(result);
            Console.WriteLine(result);
            await Quiesce(box, options.Cooldown);
        }
}
Report.Write(options, box, results, viewerRows);
LadderChart.Draw(results.Select(r => new LadderChart.Point(r.Load.Kind, r.Config, r.Load.Connections, r.Wrk.OkPerSecond, r.Wrk.P99Us / 1000.0)).ToList(),
    LadderChart.PathBeside(options.Out));
Console.WriteLine($"wrote {options.Out} and {LadderChart.PathBeside(options.Out)}");

// Between steps: the servers go idle at once when wrk stops, but a token check still waiting for the API
// would be answered during the next step; wait until the API has been idle for a while (at most a minute).
static async Task Quiesce(OriginBox box, TimeSpan idle)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
    var last = await box.ApiCounters();
    var quietSince = DateTime.UtcNow;
    while (DateTime.UtcNow - quietSince < idle && DateTime.UtcNow < deadline)
    {
        await Task.Delay(500);
        var now = await box.ApiCounters();
        if (now != last) (last, quietSince) = (now, DateTime.UtcNow);
    }
}

internal sealed record StepResult(string Config, Wrk.Load Load, WrkResult Wrk, Staleness Stale, IReadOnlyDictionary<int, long> Statuses, IReadOnlyList<string> LoggedErrors)
{
    /// <summary>Non-2xx responses and socket errors.</summary>
    public long Errors => Wrk.Status + Wrk.SocketErrors;

    public override string ToString() =>
        $"{Config,-7} {Load.Kind,-8} {Load.Connections,6} conns: {Wrk.OkPerSecond,9:F0} 2xx/s, p50 {Wrk.P50Us / 1000.0:F1} ms, p99 {Wrk.P99Us / 1000.0:F1} ms, " +
        $"non-2xx {Wrk.Status}, socket errors {Wrk.SocketErrors}, stale {Stale}" + (LoggedErrors.Count > 0 ? $"; {string.Join("; ", LoggedErrors)}" : "");
}

/// <summary>The benchmark's files in the repository.</summary>
internal static class BenchFiles
{
    public static string Dir => Path.Combine(Repo.Root, "bench");
    public static string Config(string name) => Path.Combine(Dir, "configs", $"{name}.nginx.conf");
    public static string ViewersScript => Path.Combine(Dir, "viewers.lua");
}

internal sealed record Options(
    TimeSpan Duration, TimeSpan Timeout, TimeSpan Cooldown, IReadOnlyList<int> Ladder, IReadOnlyList<string> Configs, IReadOnlyList<string> Kinds,
    ViewerOptions Viewers, IReadOnlyList<(string Key, string Value)> Sets, string Out, string CommandLine)
{
    /// <summary>How long wrk holds each step: --duration, or longer if the players need it.</summary>
    public TimeSpan StepDuration(Origin.Settings.HlsSettings hls) => Viewers.Hold(hls) > Duration ? Viewers.Hold(hls) : Duration;

    public static Options Parse(string[] args)
    {
        var o = new Options(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), [1000, 2000, 4000, 8000, 16000],
            Contenders.Names, ["playlist", "segment"], new ViewerOptions(2, Ffmpeg: false, TimeSpan.FromSeconds(30)),
            [], Path.Combine(Repo.Root, "BENCHMARKS.md"), string.Join(' ', ["bench/run", .. args]));
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--duration" => o with { Duration = TimeSpan.FromSeconds(int.Parse(Next())) },
                "--timeout" => o with { Timeout = TimeSpan.FromSeconds(int.Parse(Next())) },
                "--ladder" => o with { Ladder = Next().Split(',').Select(int.Parse).ToList() },
                "--configs" => o with { Configs = Next().Split(',') },
                "--kinds" => o with { Kinds = Next().Split(',') },
                "--out" => o with { Out = Path.GetFullPath(Next()) },
                "--viewers" => int.Parse(Next()) is var n and >= 0 ? o with { Viewers = o.Viewers with { HlsJs = n } } : throw new ArgumentException("--viewers takes 0 or more"),
                "--play" => o with { Viewers = o.Viewers with { Play = TimeSpan.FromSeconds(int.Parse(Next())) } },
                "--ffmpeg" => o with { Viewers = o.Viewers with { Ffmpeg = true } },
                "--set" => Next() is var set && set.IndexOf('=') is var eq and > 0
                    ? o with { Sets = [.. o.Sets, (set[..eq], set[(eq + 1)..])] }
                    : throw new ArgumentException("--set takes section.key=value"),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return o;
    }
}
