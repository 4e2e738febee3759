using System.Globalization;
using ScottPlot;

namespace Origin.Bench;

/// <summary>
/// BENCHMARKS.png: the ladder as a picture, one column per load kind (playlists, segments), 2xx/s on top and
/// p99 latency below, one line per config against connections.
/// </summary>
internal static class LadderChart
{
    public sealed record Point(string Kind, string Config, int Connections, double OkPerSecond, double P99Ms);

    public static string PathBeside(string markdown) => Path.ChangeExtension(markdown, ".png");

    public static void Draw(IReadOnlyList<Point> points, string path)
    {
        var kinds = points.Select(p => p.Kind).Distinct().ToList();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2 * kinds.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 2, columns: kinds.Count);
        for (var k = 0; k < kinds.Count; k++)
        {
            foreach (var (row, title, value) in new (int, string, Func<Point, double>)[] { (0, "2xx/s", p => p.OkPerSecond), (1, "p99 ms", p => p.P99Ms) })
            {
                var plot = multiplot.GetPlot(row * kinds.Count + k);
                foreach (var config in Contenders.Names)
                {
                    var line = points.Where(p => p.Kind == kinds[k] && p.Config == config).OrderBy(p => p.Connections).ToList();
                    if (line.Count == 0) continue;
                    var scatter = plot.Add.Scatter(line.Select(p => Math.Log2(p.Connections)).ToArray(), line.Select(value).ToArray());
                    scatter.LegendText = config;
                }
                var ticks = points.Select(p => p.Connections).Distinct().Order().ToList();
                plot.Axes.Bottom.SetTicks(ticks.Select(c => Math.Log2(c)).ToArray(), ticks.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
                plot.Title($"{kinds[k]}s: {title}");
                plot.XLabel("connections (viewers)");
                plot.YLabel(title);
                plot.ShowLegend(Alignment.UpperLeft);
            }
        }
        multiplot.SavePng(path, 640 * kinds.Count, 900);
    }

    /// <summary>The points of the ladder tables bench/run wrote into BENCHMARKS.md, for redrawing without a rerun.</summary>
    public static IReadOnlyList<Point> FromMarkdown(string markdown)
    {
        var points = new List<Point>();
        string? kind = null;
        foreach (var line in File.ReadLines(markdown))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
                kind = line[4..] switch { "Playlists" => "playlist", "Segments" => "segment", _ => null };
            if (kind is null || !line.StartsWith("| ", StringComparison.Ordinal)) continue;
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 5 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out var connections)) continue;
            points.Add(new Point(kind, cells[1], connections, double.Parse(cells[2], CultureInfo.InvariantCulture), double.Parse(cells[4], CultureInfo.InvariantCulture)));
        }
        return points;
    }
}
