using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>The checks that end every converge: the origin must serve, not merely be configured.</summary>
internal static class VerifyStep
{
    public static string Render(PlanContext c)
    {
        var s = c.Settings;
        var checks = new List<string>();
        void Check(string what, string command) => checks.Add($"check {Sh.Quote(what)} {command}");

        foreach (var unit in Units(s))
            Check($"service {unit} is active", $"service_active {unit}");
        Check("firewall table inet origin_filter is loaded", "nft_table inet origin_filter");
        Check($"{s.Hls.Dir} is a tmpfs of {c.Sizing.TmpfsSize}", $"tmpfs_size_kib {Sh.Quote(s.Hls.Dir.Value)} {c.Sizing.TmpfsSize.Bytes / 1024}");
        if (c.Sizing.TmpTmpfsSize is { } tmp)
            Check($"/tmp is a tmpfs of {tmp}", $"tmpfs_size_kib /tmp {tmp.Bytes / 1024}");
        foreach (var (key, value) in s.Kernel.Sysctl)
            Check($"kernel-param {key} = {value.Value}", $"kernel_param {Template.Token(key).Text} {Sh.Quote(value.Value.Value)}");
        Check($"nginx workers may open {s.Nginx.RlimitNofile} files", $"nginx_workers_nofile {s.Nginx.RlimitNofile}");

        var record = s.Cloudflare.Record?.Value ?? "localhost";
        // A forged token is refused by nginx's own check, before anything could start: a 403 proves the
        // check is loaded and running (a broken Perl module fails the config test, a 502 or 500 is not this).
        var forged = $"{1_000_000_000}-{new string('A', 43)}";
        var playlist = $"http://127.0.0.1{s.Hls.UrlPrefix}{s.Hls.PlaylistPrefix}0.m3u8?{Tokens.ViewerTokens.Query("0", forged)}";
        checks.Add($"check {Sh.Quote("http: a playlist request with a forged token is refused by the token check (403)")} " +
                   $"http_status 403 -H {Sh.Quote("Host: " + record)} {Sh.Quote(playlist)}");
        // The same on the addresses Cloudflare connects to, the DNS records': a host that serves on loopback but
        // not on the record's address (an IPv6-only adopted host, nginx listening on IPv4 only) is every viewer's 521.
        var path = playlist["http://127.0.0.1".Length..];
        if (s.Host.Mode == HostMode.Dedicated && s.Host.Dedicated.Address is { } address)
            Check($"http: the token check answers on {address}, the address of the DNS record (403)",
                $"token_check_on {Sh.Quote(address.ToString())} {Sh.Quote(record)} {Sh.Quote(path)}");
        else
        {
            // hcloud mode publishes an A and an AAAA record of the server's own addresses (PublicNets, both families).
            foreach (var family in new[] { 4, 6 })
            {
                Check($"the server has a global IPv{family} address (a DNS record points at it)", $"global_addresses {family} | grep -q .");
                checks.Add($"for address in $(global_addresses {family}); do\n" +
                           $"    check \"http: the token check answers on $address, a global address of the server (403)\" token_check_on \"$address\" {Sh.Quote(record)} {Sh.Quote(path)}\n" +
                           "done");
            }
        }
        Check("http: stub_status answers on loopback", $"http_status 200 http://127.0.0.1:{s.Nginx.StatusPort}/stub_status");
        Check("redis answers with the configured password", $"redis_ping {s.Redis.Port}");
        Check("redis refuses clients without the password", $"redis_refuses_anonymous {s.Redis.Port}");
        // The API's own health: it pings Redis with the password it runs with, which a rotation it missed
        // would leave stale (starts would answer 503 while Redis itself answers the new password).
        Check("http: the stream API reaches Redis with its password", $"http_status 200 http://127.0.0.1:{s.Stream.Port}{AlertRouting.HealthPath}");
        foreach (var e in MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled))
            Check($"http: {e.Name} exporter serves metrics", $"http_status 200 http://127.0.0.1:{e.Settings.Port}/metrics");
        // The exporters answer with up 0 when they cannot read their service (the Redis one: a stale password).
        foreach (var (e, metric) in MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled && e.Name != "node").Select(e => (e, $"{e.Name}_up")))
            Check($"http: the {e.Name} exporter reads {e.Name} ({metric} 1)", $"metric_is http://127.0.0.1:{e.Settings.Port}/metrics {metric} 1");
        if (s.Monitoring.Prometheus.Mode == PrometheusMode.Local)
            Check("http: alertmanager is ready for the local prometheus's alerts", $"http_status 200 http://127.0.0.1:{s.Monitoring.Alertmanager.Port}/-/ready");

        return Template.Render("verify/verify.sh", new()
        {
            ["nginx_pid_file"] = Template.Token(NginxConfigStep.PidFile),
            ["checks"] = Template.Lines(checks),
        });
    }

    /// <summary>Every long-running unit the plan installs.</summary>
    public static IEnumerable<string> Units(OriginSettings s) =>
        new[] { "origin-firewall.service", Systemd.MountUnitName(s.Hls.Dir), "redis-server.service", "nginx.service", "stream-api.service", "origin-hls-cleanup.timer" }
            .Concat(MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled).Select(e => e.Package + ".service"))
            .Select(Sh.Quote);
}
