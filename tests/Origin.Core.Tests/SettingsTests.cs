using Origin.Binding;
using Origin.Settings;
using Origin.Values;

namespace Origin.Tests;

/// <summary>The defaults are the audit's recommendations as AUDIT-NOTES corrects them.</summary>
public class SettingsTests
{
    private static readonly OriginSettings Defaults = new();

    [Fact]
    public void Sysctls_follow_the_audit_as_corrected()
    {
        var sysctl = Defaults.Kernel.Sysctl.ToDictionary(kv => kv.Key.Value, kv => kv.Value.Value.Value);
        Assert.Equal("bbr", sysctl["net.ipv4.tcp_congestion_control"]);
        Assert.Equal("fq", sysctl["net.core.default_qdisc"]);
        Assert.Equal("4096 262144 8388608", sysctl["net.ipv4.tcp_wmem"]);
        Assert.Equal("10", sysctl["vm.swappiness"]);
        // AUDIT-NOTES #7: tcp_tw_reuse only affects outgoing connections and its default already covers loopback.
        Assert.DoesNotContain("net.ipv4.tcp_tw_reuse", sysctl.Keys);
        Assert.Contains("not shorten TIME_WAIT", Defaults.Kernel.Sysctl.Single(kv => kv.Key.Value == "net.ipv4.tcp_fin_timeout").Value.Reason.Value);
    }

    [Fact]
    public void Redis_never_evicts_and_persists_by_default()
    {
        Assert.Equal(EvictionPolicy.Noeviction, Defaults.Redis.EvictionPolicy);
        Assert.Equal(RedisPersistence.Aof, Defaults.Redis.Persistence);
        Assert.Equal(ByteSize.FromMiB(256), Defaults.Redis.Maxmemory);
    }

    [Fact]
    public void Gunicorn_uses_the_audits_values_and_a_keepalive_capable_worker()
    {
        var s = Defaults.Stream;
        Assert.Equal((4, 2, 30, 5000), (s.Workers, s.Threads, s.TimeoutSeconds, s.Port));
        Assert.True(s.Threads > 1, "gthread (threads > 1) is the gunicorn worker that keeps connections alive");
        Assert.True(s.KeepAliveSeconds > Defaults.Nginx.Upstream.KeepaliveTimeout.Seconds);
        Assert.Equal("stream_api:app", s.WsgiApp.Value);
    }

    [Fact]
    public void Nginx_limits_follow_the_audit()
    {
        var n = Defaults.Nginx;
        Assert.Equal((10_000, 100_000, 32), (n.WorkerConnections, n.RlimitNofile, n.Upstream.Keepalive));
        Assert.Equal(new AbsolutePath("/opt/nginx"), n.Prefix);
    }

    [Fact]
    public void Hls_uses_the_audits_option_a()
    {
        Assert.Equal((2, 6), (Defaults.Hls.SegmentSeconds, Defaults.Hls.ListSize));
    }

    [Fact]
    public void Every_setting_is_documented()
    {
        static IEnumerable<System.Reflection.PropertyInfo> Undocumented(Type t) =>
            t.GetProperties().Where(p => p.CanWrite && p.GetCustomAttributes(typeof(DocAttribute), false).Length == 0)
                .Concat(SettingsBinder.ConfigProperties(t).SelectMany(p =>
                {
                    var inner = Nullable.GetUnderlyingType(p.PropertyType) ?? SettingsBinder.ListItemType(p.PropertyType) ?? p.PropertyType;
                    return SettingsBinder.IsRecordSection(inner) ? Undocumented(inner) : [];
                }));
        Assert.Empty(Undocumented(typeof(OriginSettings)).Select(p => $"{p.DeclaringType!.Name}.{p.Name}"));
    }

    [Fact]
    public void Partial_sections_keep_the_other_defaults()
    {
        var settings = Stacks.Valid("nginx.upstream.keepalive=64");
        Assert.Equal(64, settings.Nginx.Upstream.Keepalive);
        Assert.Equal(Defaults.Nginx.Upstream.KeepaliveTimeout, settings.Nginx.Upstream.KeepaliveTimeout);
        Assert.Equal(10_000, settings.Nginx.WorkerConnections);
    }

    [Fact]
    public void Sysctl_entries_merge_with_the_defaults_and_null_removes_one()
    {
        var settings = Stacks.Valid("kernel.sysctl={vm.swappiness: null, net.ipv4.tcp_notsent_lowat: {value: \"131072\", reason: test}}");
        var keys = settings.Kernel.Sysctl.Keys.Select(k => k.Value).ToList();
        Assert.DoesNotContain("vm.swappiness", keys);
        Assert.Contains("net.ipv4.tcp_notsent_lowat", keys);
        Assert.Contains("net.core.default_qdisc", keys);
    }

    [Fact]
    public void Json_as_pulumi_passes_it_binds_like_yaml()
    {
        // Pulumi hands the program each structured key as JSON text.
        var json = StackConfig.ParseValue("""{"segmentSeconds": 4, "listSize": 5, "dir": "/srv/hls"}""");
        var fromJson = OriginConfig.Load(new Dictionary<string, YamlDotNet.RepresentationModel.YamlNode>(Stacks.Prod) { ["hls"] = json });
        var fromYaml = Stacks.Load("hls={segmentSeconds: 4, listSize: 5, dir: /srv/hls}");
        Assert.Equal(fromYaml.Settings.Hls, fromJson.Settings.Hls);
        Assert.Equal(4, fromJson.Settings.Hls.SegmentSeconds);
    }

    [Theory]
    [InlineData("256m", 256L << 20)]
    [InlineData("10G", 10L << 30)]
    [InlineData("64GiB", 64L << 30)]
    [InlineData("512", 512L)]
    public void Sizes_are_binary(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var size));
        Assert.Equal(bytes, size!.Bytes);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    public void Durations_carry_their_unit(string text, long seconds)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.Equal(seconds, d!.Seconds);
        Assert.False(Duration.TryParse(seconds.ToString(), out _), "a bare number is ambiguous");
    }
}
