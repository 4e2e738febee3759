using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Origin.Viewers;

namespace Origin.Bench;

/// <summary>What the players of one kind saw during one load step against one config: one row of the viewers' table.</summary>
/// <param name="FirstFrames">Seconds to the first frame of each player that had one.</param>
/// <param name="Watched">Seconds watched after the first frame by the player that watched least (0 if one never started).</param>
/// <param name="Errors">Distinct errors the players reported, most frequent first, with their counts.</param>
internal sealed partial record ViewerRow(
    string Kind, int Connections, string Config, string Player, int Players,
    IReadOnlyList<double> FirstFrames, int Stalls, double StalledSeconds, double Watched, IReadOnlyList<string> Errors)
{
    public static ViewerRow Summarize(string kind, int connections, string config, string player, IReadOnlyList<ViewerRecord> records) => new(
        kind, connections, config, player, records.Count,
        records.Where(r => r.FirstFrame is not null).Select(r => r.FirstFrame!.Value.TotalSeconds).Order().ToList(),
        records.Sum(r => r.Stalls.Count),
        records.Sum(r => r.Stalled.TotalSeconds),
        records.Count == 0 ? 0 : records.Min(r => r.FirstFrame is { } f ? Math.Max(0, (r.Played - f).TotalSeconds) : 0),
        records.SelectMany(r => r.Errors).Select(Fold).GroupBy(e => e).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} (x{g.Count()})").ToList());

    /// <summary>FFmpeg names the context of a message by its address ("[http @ 0x55d4d681bc40] HTTP error 503"): one error, whichever connection.</summary>
    [GeneratedRegex(@"^\[(\w+) @ 0x[0-9a-f]+\] ")]
    private static partial Regex FfmpegContext();

    /// <summary>A URL in a message: only its file name is kept (not the edge's port, nor the viewer's token in its path or query).</summary>
    [GeneratedRegex(@"https?://[^\s']*/([^\s'/?]+)(?:\?[^\s']*)?")]
    private static partial Regex Url();

    private static string Fold(string error) => Url().Replace(FfmpegContext().Replace(error, "[$1] "), "…/$1");

    /// <summary>The median of the first frames: the middle one, or the mean of the middle two.</summary>
    public double? FirstFrameMedian => FirstFrames.Count == 0 ? null
        : FirstFrames.Count % 2 == 1 ? FirstFrames[FirstFrames.Count / 2]
        : (FirstFrames[FirstFrames.Count / 2 - 1] + FirstFrames[FirstFrames.Count / 2]) / 2;
}

/// <summary>The viewers' table of BENCHMARKS.md: the rows of every step in the ladder tables' order, the players of a step as given.</summary>
internal static class ViewersTable
{
    public const int ErrorsShown = 3;

    public static string Render(IReadOnlyList<ViewerRow> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("| load | connections | config | player | first frame, s: median / max | had a first frame | stalls after it | stalled, s | watched, s (least) | errors |");
        md.AppendLine("|---|---:|---|---|---|---:|---:|---:|---:|---|");
        foreach (var r in rows.OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Connections).ThenBy(r => Array.IndexOf(Contenders.Names, r.Config)))
        {
            var firstFrame = r.FirstFrameMedian is { } median ? $"{S(median)} / {S(r.FirstFrames[^1])}" : "none";
            var errors = r.Errors.Count == 0 ? "" : string.Join("<br>", r.Errors.Take(ErrorsShown).Select(e => e.Replace("|", "\\|"))) + (r.Errors.Count > ErrorsShown ? $"<br>{r.Errors.Count - ErrorsShown} more" : "");
            md.AppendLine($"| {r.Kind}s | {r.Connections} | {r.Config} | {r.Player} | {firstFrame} | {r.FirstFrames.Count}/{r.Players} | {r.Stalls} | {S(r.StalledSeconds)} | {r.Watched.ToString("F0", CultureInfo.InvariantCulture)} | {errors} |");
        }
        return md.ToString();
    }

    private static string S(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture);
}
