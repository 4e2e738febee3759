using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Origin.Plan;
using Xunit.Abstractions;

namespace Origin.Tests;

/// <summary>
/// The rendered HLS collector (files/monitoring/hls-metrics.py), run by Debian's python3 on a made-up
/// HLS directory, access log and certificate; its output read back and checked by promtool.
/// </summary>
public partial class HlsCollectorTests(ITestOutputHelper output)
{
    private static readonly HostFile Script = Stacks.ProdPlan()["monitoring"].Files.Single(f => f.Path.EndsWith("/hls-metrics.py", StringComparison.Ordinal));

    private sealed class Scene : IDisposable
    {
        public TempDir Root { get; }
        public string Hls => Root["hls"];
        public string Log => Root["access.log"];
        public string Output => Root["textfile/origin_hls.prom"];

        /// <param name="tmpfs">Under /dev/shm: the HLS directory is a tmpfs on the origin.</param>
        public Scene(bool tmpfs = false)
        {
            Root = tmpfs ? new TempDir("/dev/shm") : new TempDir();
            Directory.CreateDirectory(Hls);
            Directory.CreateDirectory(Root["state"]);
            Directory.CreateDirectory(Root["textfile"]);
            Root.Write("hls-metrics.py", Script.Content);
            File.WriteAllText(Log, "");
        }

        public Tool.Result Run(string certificate = "/nonexistent") =>
            Tool.Run("bash", ["-c", "python3 \"$@\"; s=$?; times; exit $s", "collector", Root["hls-metrics.py"],
                $"--hls-dir={Hls}", "--playlist-prefix=stream_", "--url-prefix=/live/", "--api-prefix=/api/",
                $"--access-log={Log}", $"--certificate={certificate}", $"--state-dir={Root["state"]}", $"--output={Output}"]);

        /// <summary>Every sample of the output, by its name and labels as written.</summary>
        public Dictionary<string, double> Samples() =>
            File.ReadAllLines(Output).Where(l => !l.StartsWith('#'))
                .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

        public void Playlist(string channel, int target, long sequence, DateTime written, params (double Duration, string Segment, int Bytes, DateTime Written)[] segments)
        {
            var text = $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n" +
                       string.Concat(segments.Select(s => $"#EXTINF:{s.Duration.ToString("F6", CultureInfo.InvariantCulture)},\n{s.Segment}\n"));
            foreach (var s in segments.Where(s => s.Bytes > 0))
            {
                var path = Path.Combine(Hls, s.Segment);
                File.WriteAllBytes(path, new byte[s.Bytes]);
                if (s.Written != default) File.SetLastWriteTimeUtc(path, s.Written);
            }
            var playlist = Path.Combine(Hls, $"stream_{channel}.m3u8");
            File.WriteAllText(playlist, text);
            if (written != default) File.SetLastWriteTimeUtc(playlist, written);
        }

        public void Dispose() => Root.Dispose();
    }

    /// <summary>A line in nginx's "origin" log_format (files/nginx-config/nginx.conf).</summary>
    private static string LogLine(string uri, int status, string upstream) =>
        $"198.18.0.1 \"8a1b2c3d4e5f-FRA\" [01/Dec/2026:09:00:00 +0000] \"GET {uri} HTTP/1.1\" {status} 512 0.002 \"{upstream}\" \"Mozilla/5.0 (X11; \\\"quoted\\\")\"\n";

    [Fact]
    public void Each_channel_is_measured_from_its_playlist_and_files()
    {
        using var scene = new Scene();
        var now = DateTime.UtcNow;
        scene.Playlist("1", 2, 1_764_580_000, now.AddSeconds(-1),
            (2.0, "stream_1_1764580000.ts", 1000, now.AddSeconds(-5)), (2.0, "stream_1_1764580001.ts", 2000, now.AddSeconds(-3)), (2.5, "stream_1_1764580002.ts", 3000, now.AddSeconds(-1)));
        // A playlist nothing has written for a minute, listing a segment the cleanup already removed.
        scene.Playlist("2", 4, 7, now.AddSeconds(-60), (4.0, "stream_2_7.ts", 0, now), (4.0, "stream_2_8.ts", 4000, now.AddSeconds(-60)));
        File.WriteAllText(Path.Combine(scene.Hls, "stream_3_5.ts"), "orphan");
        File.WriteAllText(Path.Combine(scene.Hls, "notes.txt"), "not HLS");

        var run = scene.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        var m = scene.Samples();
        Assert.InRange(m["origin_hls_playlist_age_seconds{channel=\"1\"}"], 0.9, 5);
        Assert.InRange(m["origin_hls_playlist_age_seconds{channel=\"2\"}"], 59.9, 65);
        Assert.Equal(2, m["origin_hls_playlist_target_duration_seconds{channel=\"1\"}"]);
        Assert.Equal(1_764_580_000, m["origin_hls_playlist_media_sequence{channel=\"1\"}"]);
        Assert.Equal(3, m["origin_hls_playlist_segments{channel=\"1\"}"]);
        Assert.Equal(6000, m["origin_hls_playlist_segment_bytes{channel=\"1\"}"]);
        Assert.Equal(0, m["origin_hls_playlist_segments_missing{channel=\"1\"}"]);
        Assert.Equal(1, m["origin_hls_playlist_segments_missing{channel=\"2\"}"]);
        Assert.Equal(2.5, m["origin_hls_newest_segment_duration_seconds{channel=\"1\"}"]);
        Assert.InRange(m["origin_hls_newest_segment_age_seconds{channel=\"1\"}"], 0.9, 5);
        Assert.Equal(2, m["origin_hls_channels"]);
        Assert.Equal(8, m["origin_hls_dir_files"]);
        Assert.True(m["origin_hls_dir_bytes"] >= 1000 + 2000 + 3000 + 4000, "the directory's bytes count every file");
        // No FFmpeg writes these playlists here.
        Assert.Equal(0, m["origin_hls_ffmpeg_up{channel=\"1\"}"]);
        Assert.Equal(0, m["origin_hls_ffmpeg_processes"]);
        Assert.DoesNotContain(m.Keys, k => k.Contains("channel=\"3\""));
        // Written under a temporary name and renamed: nothing else is left in the textfile directory.
        Assert.Equal([scene.Output], Directory.GetFiles(scene.Root["textfile"]));
        PromtoolAccepts(scene.Output);
    }

    [Fact]
    public void A_published_playlist_is_measured_from_the_file_ffmpeg_writes_not_from_its_link()
    {
        // The stream API's contract: FFmpeg writes <prefix><id>.m3u8.ffmpeg, the public name links to it once published.
        using var scene = new Scene();
        var now = DateTime.UtcNow;
        scene.Playlist("5", 2, 40, now.AddSeconds(-1), (2.0, "stream_5_40.ts", 1000, now.AddSeconds(-1)));
        var public_ = Path.Combine(scene.Hls, "stream_5.m3u8");
        File.Move(public_, public_ + ".ffmpeg");
        File.CreateSymbolicLink(public_, "stream_5.m3u8.ffmpeg");
        File.SetLastWriteTimeUtc(public_ + ".ffmpeg", now.AddSeconds(-1));
        Tool.Succeed("touch", "-h", "-d", "@" + (new DateTimeOffset(now).ToUnixTimeSeconds() - 600), public_); // the link is ten minutes old
        // A link whose FFmpeg is gone and whose file the cleanup removed: no channel.
        File.CreateSymbolicLink(Path.Combine(scene.Hls, "stream_6.m3u8"), "stream_6.m3u8.ffmpeg");

        var run = scene.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        var m = scene.Samples();
        Assert.InRange(m["origin_hls_playlist_age_seconds{channel=\"5\"}"], 0.5, 60);
        Assert.Equal(1, m["origin_hls_playlist_segments{channel=\"5\"}"]);
        Assert.Equal(1, m["origin_hls_channels"]);
        Assert.DoesNotContain(m.Keys, k => k.Contains("channel=\"6\""));
    }

    [Fact]
    public void A_channel_is_remembered_after_its_playlist_is_gone_while_viewers_ask_for_it()
    {
        using var scene = new Scene();
        var now = DateTime.UtcNow;
        var played = now.AddSeconds(-3);
        scene.Playlist("9", 2, 40, played, (2.0, "stream_9_40.ts", 1000, played));
        File.AppendAllText(scene.Log, LogLine("/live/stream_9.m3u8", 200, "-"));
        Assert.Equal(0, scene.Run().ExitCode);
        var first = scene.Samples();
        var progress = new DateTimeOffset(played).ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(progress, first["origin_hls_channel_progress_timestamp_seconds{channel=\"9\"}"], 2);
        Assert.Equal(2, first["origin_hls_channel_target_duration_seconds{channel=\"9\"}"]);
        var askedFirst = first["origin_hls_channel_requested_timestamp_seconds{channel=\"9\"}"];
        Assert.InRange(askedFirst, new DateTimeOffset(now).ToUnixTimeSeconds() - 1, new DateTimeOffset(now).ToUnixTimeSeconds() + 60);

        // Its FFmpeg ended: the playlist is gone. Viewers ask again (a start that failed).
        File.Delete(Path.Combine(scene.Hls, "stream_9.m3u8"));
        File.AppendAllText(scene.Log, LogLine("/live/stream_9.m3u8", 504, "28.001") + LogLine("/live/stream_10.m3u8", 504, "28.001"));
        Thread.Sleep(1100);
        Assert.Equal(0, scene.Run().ExitCode);
        var second = scene.Samples();
        Assert.DoesNotContain(second.Keys, k => k.StartsWith("origin_hls_playlist_age_seconds", StringComparison.Ordinal));
        Assert.Equal(progress, second["origin_hls_channel_progress_timestamp_seconds{channel=\"9\"}"], 2);
        Assert.True(second["origin_hls_channel_requested_timestamp_seconds{channel=\"9\"}"] > askedFirst, "the new request is not recorded");
        // A channel that never played here has no progress to report (its failed starts are another alert's).
        Assert.DoesNotContain(second.Keys, k => k.Contains("channel=\"10\""));
        PromtoolAccepts(scene.Output);
    }

    /// <summary>
    /// What the collector remembers comes from what nginx let through: anyone on the internet can send requests for
    /// made-up channels (a 403 without a token, a 429, a 404), and none of them may add a record it keeps for an
    /// hour and rewrites every run. Viewers with valid tokens whose starts fail (504) are remembered, up to a cap.
    /// </summary>
    [Fact]
    public void Requests_nginx_refused_add_no_channel_and_channels_that_never_played_are_capped()
    {
        using var scene = new Scene();
        int[] refusals = [403, 404, 429];
        File.AppendAllText(scene.Log, string.Concat(Enumerable.Range(0, 300).Select(i =>
            LogLine($"/live/stream_{i}.m3u8", refusals[i % 3], "-") + LogLine($"/live/stream_{i}_{1796680000 + i}.ts", refusals[i % 3], "-"))));
        Assert.Equal(0, scene.Run().ExitCode);
        Assert.Empty(Records(scene));

        File.AppendAllText(scene.Log, string.Concat(Enumerable.Range(0, 1200).Select(i => LogLine($"/live/stream_9{i}.m3u8", 504, "28.001"))));
        Assert.Equal(0, scene.Run().ExitCode);
        Assert.Equal(1000, Records(scene).Count);
    }

    private static List<string> Records(Scene scene) =>
        JsonDocument.Parse(File.ReadAllText(scene.Root["state/channels.json"])).RootElement.EnumerateObject().Select(p => p.Name).ToList();

    [Fact]
    public void Responses_are_counted_by_kind_and_status_across_runs_and_log_rotations()
    {
        using var scene = new Scene();
        File.AppendAllText(scene.Log,
            LogLine("/live/stream_1.m3u8", 200, "0.512") + LogLine("/live/stream_2.m3u8", 504, "28.001") + LogLine("/live/stream_1.m3u8", 200, "-") +
            LogLine("/live/stream_1.m3u8", 429, "-") + LogLine("/live/stream_1_1764580000.ts", 200, "-") + LogLine("/live/stream_1_1764580001.ts", 200, "-") +
            LogLine("/api/health", 200, "0.001") + LogLine("/favicon.ico", 404, "-"));
        string Count(string kind, int code) => $"origin_nginx_responses_total{{kind=\"{kind}\",code=\"{code}\"}}";

        Assert.Equal(0, scene.Run().ExitCode);
        var first = scene.Samples();
        Assert.Equal(1, first[Count("start", 200)]);
        Assert.Equal(1, first[Count("start", 504)]);
        Assert.Equal(1, first[Count("playlist", 200)]);
        Assert.Equal(1, first[Count("playlist", 429)]);
        Assert.Equal(2, first[Count("segment", 200)]);
        Assert.Equal(1, first[Count("api", 200)]);
        Assert.Equal(1, first[Count("other", 404)]);

        // nginx appends, and flushes its buffer mid-line: only whole lines count, each once.
        var partial = LogLine("/live/stream_9.m3u8", 502, "0.001");
        File.AppendAllText(scene.Log, LogLine("/live/stream_1_1764580002.ts", 200, "-") + partial[..20]);
        Assert.Equal(0, scene.Run().ExitCode);
        Assert.Equal(3, scene.Samples()[Count("segment", 200)]);
        File.AppendAllText(scene.Log, partial[20..]);
        Assert.Equal(0, scene.Run().ExitCode);
        Assert.Equal(1, scene.Samples()[Count("start", 502)]);

        // logrotate moves the log away and nginx reopens a new one: counting goes on from its start.
        File.Move(scene.Log, scene.Log + ".1");
        File.WriteAllText(scene.Log, LogLine("/live/stream_1_1764580003.ts", 200, "-"));
        Assert.Equal(0, scene.Run().ExitCode);
        var rotated = scene.Samples();
        Assert.Equal(4, rotated[Count("segment", 200)]);
        Assert.Equal(1, rotated[Count("start", 200)]);
        PromtoolAccepts(scene.Output);
    }

    [Fact]
    public void The_certificates_expiry_is_read_from_it()
    {
        using var scene = new Scene();
        var cert = scene.Root["origin.crt"];
        Tool.Succeed("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "10",
            "-subj", "/CN=live.example.com", "-keyout", scene.Root["origin.key"], "-out", cert);
        Assert.Equal(0, scene.Run(cert).ExitCode);
        var notAfter = DateTimeOffset.FromUnixTimeSeconds((long)scene.Samples()["origin_tls_certificate_not_after_seconds"]);
        Assert.InRange((notAfter - DateTimeOffset.UtcNow).TotalDays, 9.99, 10.01);
    }

    [Fact]
    public void One_collection_over_1000_channels_takes_well_under_a_second()
    {
        using var scene = new Scene(tmpfs: true);
        const int Channels = 1000, Listed = 6;
        for (var c = 1; c <= Channels; c++)
            scene.Playlist(c.ToString(CultureInfo.InvariantCulture), 2, 1_764_580_000, default,
                Enumerable.Range(0, Listed).Select(i => (2.0, $"stream_{c}_{1_764_580_000 + i}.ts", 4000, default(DateTime))).ToArray());
        // A busy hour of the access log since the last run: 10 000 lines.
        File.WriteAllText(scene.Log, string.Concat(Enumerable.Range(0, 10_000).Select(i => LogLine($"/live/stream_{i % Channels}_1764580000.ts", 200, "-"))));

        var run = scene.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(Channels, scene.Samples()["origin_hls_channels"]);
        // bash's `times`: the second line is the user and system time of its children, here the collector.
        var children = TimesLine().Match(run.Stdout.Trim().Split('\n')[^1]);
        Assert.True(children.Success, run.Stdout);
        double Seconds(int group) => int.Parse(children.Groups[group].Value, CultureInfo.InvariantCulture) * 60 + double.Parse(children.Groups[group + 1].Value, CultureInfo.InvariantCulture);
        var cpu = Seconds(1) + Seconds(3);
        output.WriteLine($"one collection over {Channels} channels x {Listed} segments and 10 000 log lines: {cpu:F3} s CPU (user {Seconds(1):F3} s, system {Seconds(3):F3} s), " +
                         $"{scene.Samples()["origin_hls_collector_duration_seconds"]:F3} s measured by the collector itself");
        Assert.True(cpu < 0.75, $"{cpu:F3} s of CPU for one collection");
    }

    [GeneratedRegex(@"^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$")]
    private static partial Regex TimesLine();

    private static void PromtoolAccepts(string metrics)
    {
        var check = Tool.Run("promtool", ["check", "metrics"], stdin: File.ReadAllText(metrics));
        Assert.True(check.ExitCode == 0, check.Output);
    }
}
