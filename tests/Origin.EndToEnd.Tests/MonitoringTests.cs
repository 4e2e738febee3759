using System.Diagnostics;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// Debian's Prometheus, with the rendered scrape config and rules, scraping the box's exporters; the
/// node exporter publishes what the real HLS collector measures of the box's HLS directory.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class MonitoringTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 90_000)]
    public async Task A_hung_ffmpeg_fires_the_stalled_channel_alert_within_its_for_and_resuming_it_clears_the_alert()
    {
        await using var monitoring = await BoxMonitoring.Start(Box);
        var m = Box.Settings.Monitoring;
        var channel = await fixture.StartChannel();
        var pid = (await Box.FfmpegPid(channel))!.Value;
        var selector = $"{{channel=\"{channel}\"}}";

        // Every exporter is scraped, and the channel is seen live with its FFmpeg.
        await Poll.Until(async () => (await monitoring.Query("up")) is var up && up.Count == 4 && up.All(u => u.Value == 1),
            TimeSpan.FromSeconds(15), "Prometheus scrapes the node, nginx and Redis exporters and itself\n" + monitoring.Logs());
        await Poll.Until(async () => (await monitoring.Query($"origin_hls_ffmpeg_up{selector} == 1 and on (channel) origin_hls_playlist_age_seconds{selector} < 5")).Count == 1,
            TimeSpan.FromSeconds(15), $"channel {channel} live in Prometheus (collector: {monitoring.LastCollectorError ?? "ok"})");
        var target = (await monitoring.Query($"origin_hls_playlist_target_duration_seconds{selector}")).Single().Value;
        await EveryDashboardQueryHasData(monitoring);
        Assert.DoesNotContain(await monitoring.Alerts(), a => a.Labels.GetValueOrDefault("channel") == channel);

        // Hung, not dead: the process stays, its playlist stops.
        // The file FFmpeg writes: a published playlist is a link to it, and a link's own mtime is when it was made.
        var playlist = Box.PlaylistFile(channel);
        var lastWrite = File.ResolveLinkTarget(playlist, returnFinalTarget: true)?.LastWriteTimeUtc ?? File.GetLastWriteTimeUtc(playlist);
        Assert.True(Processes.Signal(pid, Processes.SigStop));
        var stopped = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            await Poll.Until(async () => (await monitoring.Alerts()).Any(a => a.Name == "OriginChannelStalled" && a.State == "firing" && a.Labels["channel"] == channel),
                TimeSpan.FromSeconds(40), "OriginChannelStalled fires for the stopped channel");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; Prometheus sees age {Show(await monitoring.Query($"origin_hls_playlist_age_seconds{selector}"))}, " +
                $"FFmpeg up {Show(await monitoring.Query($"origin_hls_ffmpeg_up{selector}"))}, alerts {string.Join(", ", (await monitoring.Alerts()).Select(a => a.Name + "/" + a.State))}, " +
                $"collector: {monitoring.LastCollectorError ?? "ok"}\n{monitoring.Logs()}", e);
        }
        finally
        {
            Processes.Signal(pid, Processes.SigCont); // even if the alert never came
        }
        var fired = DateTime.UtcNow;
        var threshold = m.Alerts.StallSegments * Math.Max(target, Box.Hls.SegmentSeconds);
        // From the playlist's last change: it must be older than the threshold for `for:`; the collector,
        // the scrape and the rule evaluation each add up to one interval (all 1 s here).
        var sinceWrite = (fired - lastWrite).TotalSeconds;
        var bound = threshold + m.Alerts.StallFor.Seconds + m.CollectInterval.Seconds + 2 * m.Prometheus.ScrapeInterval.Seconds;
        Assert.True(sinceWrite >= threshold + m.Alerts.StallFor.Seconds - 1, $"fired {sinceWrite:F1} s after the last playlist write, before threshold {threshold} s + for {m.Alerts.StallFor}");
        Assert.True(sinceWrite <= bound + 1, $"fired {sinceWrite:F1} s after the last playlist write; at most threshold + for + one collection, scrape and evaluation ({bound} s) expected");
        Assert.DoesNotContain(await monitoring.Alerts(), a => a.Name == "OriginPlaylistServedStale" && a.Labels.GetValueOrDefault("channel") == channel);
        var stopped1 = (await monitoring.Query($"origin_hls_ffmpeg_stopped{selector}")).Single().Value;

        clock.Restart();
        await Poll.Until(async () => !(await monitoring.Alerts()).Any(a => a.Name == "OriginChannelStalled" && a.Labels["channel"] == channel),
            TimeSpan.FromSeconds(20), "the alert clears once FFmpeg runs again");
        var cleared = clock.Elapsed.TotalSeconds;
        Assert.Equal(1, stopped1);
        output.WriteLine($"OriginChannelStalled fired {(fired - stopped).TotalSeconds:F1} s after SIGSTOP, {sinceWrite:F1} s after the playlist's last write " +
                         $"(threshold {threshold} s + for {m.Alerts.StallFor} + collect {m.CollectInterval} + scrape/eval {m.Prometheus.ScrapeInterval}: at most {bound} s); " +
                         $"cleared {cleared:F1} s after SIGCONT; {monitoring.Collections} collections");
    }

    /// <summary>
    /// The dashboard's queries against the real Prometheus: each one answers, and each has data, except
    /// the stream API's systemd restart count (no systemd runs the box's services).
    /// </summary>
    private async Task EveryDashboardQueryHasData(BoxMonitoring monitoring)
    {
        var dashboard = Box.Plan["monitoring"].Files.Single(f => f.Path.EndsWith("/grafana-dashboard.json", StringComparison.Ordinal)).Content;
        using var doc = System.Text.Json.JsonDocument.Parse(dashboard);
        var exprs = doc.RootElement.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!.Replace("$instance", ".+", StringComparison.Ordinal)).ToList();
        // Rates need two samples in their window: a few scrape intervals.
        await Poll.Until(async () => (await monitoring.Query("rate(origin_nginx_responses_total[5m])")).Count > 0, TimeSpan.FromSeconds(15), "two samples of every counter");
        foreach (var expr in exprs.Where(e => !e.Contains("node_systemd_", StringComparison.Ordinal)))
            Assert.True((await monitoring.Query(expr)).Count > 0, $"the dashboard query {expr} has no data");
        output.WriteLine($"{exprs.Count} dashboard queries answered by Prometheus");
    }

    private static string Show(IEnumerable<(Dictionary<string, string> Labels, double Value)> result) => string.Join(", ", result.Select(r => r.Value));
}
