using Origin.Capacity;
using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

/// <summary>Redis, the stream API and the exporters.</summary>
internal static class ServiceRules
{
    /// <summary>Environment the stack sets for the API; the config may not override it.</summary>
    private static readonly string[] ReservedEnvPrefixes = ["HLS_", "REDIS_", "FFMPEG_", "TOKEN_"];

    public static void Check(OriginSettings s, Sizing sizing, Findings f)
    {
        var r = s.Redis;
        if (r.EvictionPolicy is EvictionPolicy.AllkeysLru or EvictionPolicy.AllkeysLfu or EvictionPolicy.AllkeysRandom)
            f.Error(Of("redis.evictionPolicy"), "noeviction or a volatile-* policy: Redis holds live stream state, which must never be evicted",
                Findings.Show(Binding.SettingsBinder.EnumName(r.EvictionPolicy)));
        if (r.Persistence == RedisPersistence.None)
            f.Warn(Of("redis.persistence"), "none: a Redis restart forgets every running stream");
        if (sizing.SysctlNumber("net.core.somaxconn") is { } somaxconn && r.TcpBacklog > somaxconn)
            f.Error(Of("redis.tcpBacklog"), $"at most net.core.somaxconn ({somaxconn})", r.TcpBacklog.ToString());

        var st = s.Stream;
        if (st.TokenLifetime.Seconds is < 60 or > 7 * 86_400)
            f.Error(Of("stream.tokenLifetime"), "between 1m and 7d: shorter cuts viewers off mid-stream, longer keeps a leaked URL playing", st.TokenLifetime.ToString());
        if (st.Threads == 1)
            f.Warn(Of("stream.threads"), "1 selects gunicorn's sync worker, which closes every connection: nginx's upstream keepalive will never reuse one");
        if (s.Hls.InitSeconds > 0 && s.Hls.InitSeconds < s.Hls.SegmentSeconds)
            f.Warn(Of("hls.initSeconds"), $"{s.Hls.InitSeconds}s segments first and {s.Hls.SegmentSeconds}s after change the playlist's EXT-X-TARGETDURATION mid-stream, which RFC 8216 6.2.1 forbids; some players stall on it");
        if (s.Hls.StartSegments > s.Hls.ListSize)
            f.Error(Of("hls.startSegments"), $"at most hls.listSize ({s.Hls.ListSize}): the playlist never lists more", s.Hls.StartSegments.ToString());
        // A start waits for the first segment and the others of the start; two segments of slack for keyframes that
        // come late in the source, and the 2 s the API's START_TIMEOUT keeps below gunicorn's timeout.
        var coldStart = (s.Hls.InitSeconds > 0 ? s.Hls.InitSeconds : s.Hls.SegmentSeconds) + (s.Hls.StartSegments - 1) * s.Hls.SegmentSeconds;
        var needed = coldStart + 2 * s.Hls.SegmentSeconds + 2;
        if (st.TimeoutSeconds < needed)
            f.Error(Of("stream.timeoutSeconds"), $"at least {needed}s: a cold start waits for FFmpeg's first {s.Hls.StartSegments} segment(s) (about {coldStart}s)", st.TimeoutSeconds.ToString());
        switch (st.Source.Kind)
        {
            case AppSourceKind.Local when st.Source.Path is null:
                f.Error(Of("stream.source.path"), "the app directory (source kind local)", "nothing");
                break;
            case AppSourceKind.Git:
                if (st.Source.Url is null) f.Error(Of("stream.source.url"), "the git remote (source kind git)", "nothing");
                if (st.Source.Ref is null) f.Error(Of("stream.source.ref"), "the tag or commit to deploy (source kind git)", "nothing");
                break;
        }
        foreach (var name in st.Environment.Keys.Where(k => ReservedEnvPrefixes.Any(p => k.Value.StartsWith(p, StringComparison.Ordinal))))
            f.Error(Of($"stream.environment.{name}"), "a variable outside " + string.Join(", ", ReservedEnvPrefixes.Select(p => p + "*")) + ", which the stack sets", Findings.Show(name.Value));

        var ports = new List<(int Port, string Key)>
        {
            (80, "nginx (http)"), (443, "nginx (https)"), (s.Host.Ssh.Port, "host.ssh.port"),
            (s.Nginx.StatusPort, "nginx.statusPort"), (st.Port, "stream.port"), (r.Port, "redis.port"),
        };
        foreach (var (name, e) in new[] { ("node", s.Monitoring.Node), ("nginx", s.Monitoring.Nginx), ("redis", s.Monitoring.Redis) })
            if (e.Enabled) ports.Add((e.Port, $"monitoring.{name}.port"));
        if (s.Monitoring.Prometheus.Mode == PrometheusMode.Local)
        {
            ports.Add((s.Monitoring.Prometheus.Port, "monitoring.prometheus.port"));
            ports.Add((s.Monitoring.Alertmanager.Port, "monitoring.alertmanager.port"));
        }
        foreach (var clash in ports.GroupBy(p => p.Port).Where(g => g.Count() > 1))
            f.Error(Of(clash.Last().Key), $"a port no other service uses ({string.Join(", ", clash.Select(c => c.Key))} all use it)", clash.Key.ToString());
    }
}
