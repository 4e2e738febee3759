using Origin.Plan;
using Origin.Rendering;

namespace Origin.Tests;

/// <summary>The ordered host plan: its steps, what each changes, and the properties the converge relies on.</summary>
public class PlanTests
{
    private static readonly HostPlan Prod = Stacks.ProdPlan();

    [Fact]
    public void Steps_come_in_the_order_the_host_needs_them()
    {
        Assert.Equal(
            ["packages", "firewall", "kernel", "disks", "hls-storage", "redis", "nginx-build", "tls", "nginx-config", "stream-service", "cleanup", "monitoring"],
            Prod.Steps.Select(s => s.Name));
    }

    [Fact]
    public void Changing_one_setting_changes_exactly_the_steps_that_render_it()
    {
        static IEnumerable<string> Changed(HostPlan a, HostPlan b) =>
            a.Steps.Zip(b.Steps).Where(p => p.First.ContentHash != p.Second.ContentHash).Select(p => p.First.Name);

        Assert.Equal(["kernel"], Changed(Prod, Stacks.ProdPlan("kernel.sysctl={vm.swappiness: \"5\"}")));
        // maxmemory also sets the Redis alert's threshold and the dashboard's axis.
        Assert.Equal(["redis", "monitoring"], Changed(Prod, Stacks.ProdPlan("redis.maxmemory=512m")));
        Assert.Equal(["disks"], Changed(Prod, Stacks.ProdPlan("disks.mdReadAheadKb=4096")));
        Assert.Equal(["stream-service"], Changed(Prod, Stacks.ProdPlan("stream.workers=6")));
        // The segment time reaches FFmpeg's environment, the tmpfs size, the cleanup age, the playlists' max-age and the alerts.
        Assert.Equal(["hls-storage", "nginx-config", "stream-service", "cleanup", "monitoring"], Changed(Prod, Stacks.ProdPlan("hls.segmentSeconds=4")));
        Assert.Equal(["monitoring"], Changed(Prod, Stacks.ProdPlan("monitoring.alerts.stallSegments=5")));
    }

    [Fact]
    public void Hashes_are_stable_for_the_same_settings()
    {
        Assert.Equal(Prod.Steps.Select(s => s.ContentHash), Stacks.ProdPlan().Steps.Select(s => s.ContentHash));
    }

    [Fact]
    public void Ranges_from_the_provider_reach_realip_and_the_firewall()
    {
        var plan = HostPlan.Build(Stacks.Valid(), DeployInputs.FromRanges(["198.18.0.0/15"], ["2001:db8:1::/48"]));
        var realip = plan.Files.Single(f => f.Path.EndsWith("cloudflare-realip.conf", StringComparison.Ordinal)).Content;
        Assert.Contains("set_real_ip_from 198.18.0.0/15;", realip);
        Assert.Contains("set_real_ip_from 2001:db8:1::/48;", realip);
        Assert.DoesNotContain("173.245.48.0/20", realip);
        var firewall = plan.Files.Single(f => f.Path == "/etc/origin-stack/firewall.nft").Content;
        Assert.Contains("elements = { 198.18.0.0/15 }", firewall);
        Assert.Contains("tcp dport { 80, 443 } ip saddr @cloudflare_v4 accept", firewall);
    }

    [Fact]
    public void Without_lockdown_http_is_open_and_no_cloudflare_set_is_rendered()
    {
        var firewall = Stacks.ProdPlan("cloudflare.originLockdown=false").Files.Single(f => f.Path == "/etc/origin-stack/firewall.nft").Content;
        Assert.Contains("tcp dport { 80, 443 } accept", firewall);
        Assert.DoesNotContain("cloudflare_v4", firewall);
    }

    [Fact]
    public void Ssh_is_only_open_to_the_admin_networks()
    {
        var firewall = Prod.Files.Single(f => f.Path == "/etc/origin-stack/firewall.nft").Content;
        Assert.Contains("tcp dport 22 ip saddr @admin_v4 accept", firewall);
        Assert.Contains("elements = { 203.0.113.0/24 }", firewall);
        Assert.Contains("policy drop;", firewall);
    }

    [Fact]
    public void Playlists_bypass_the_descriptor_cache_and_segments_use_it()
    {
        var conf = Directives(Prod.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content);
        var playlist = Block(conf, "location ~ \"^/live/stream_");
        var segment = Block(conf, "location ~ \"^/live/(?<segment>");
        Assert.Contains("open_file_cache off;", playlist);
        Assert.Contains("add_header Cache-Control $playlist_cache_control always;", playlist);
        Assert.Contains("200 \"public, max-age=1\";", Map(conf, "$playlist_cache_control"));
        Assert.Contains("try_files /stream_$channel_id.m3u8 @start_stream;", playlist);
        Assert.Contains("open_file_cache max=10000", segment);
        Assert.Contains("open_file_cache_errors off;", segment);
        Assert.Contains("add_header Cache-Control $segment_cache_control always;", segment);
        Assert.Contains("immutable\";", Map(conf, "$segment_cache_control"));
        Assert.DoesNotContain("directio", conf);
        Assert.DoesNotContain("aio ", conf);
    }

    [Fact]
    public void Upstream_keepalive_is_complete()
    {
        var conf = Directives(Prod.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content);
        Assert.Contains("keepalive 32;", conf);
        Assert.Contains("proxy_http_version 1.1;", conf);
        Assert.Contains("proxy_set_header Connection \"\";", conf);
        // A location that sets any proxy_set_header loses the server's: none may.
        var locations = conf[conf.IndexOf("location ", StringComparison.Ordinal)..];
        Assert.DoesNotContain("proxy_set_header", locations);
        var unit = Prod.Files.Single(f => f.Path == "/etc/systemd/system/stream-api.service").Content;
        Assert.Contains("--threads 2 --worker-class gthread", unit);
        Assert.Contains("--keep-alive 75", unit);
    }

    [Fact]
    public void Limits_key_on_the_viewer_after_realip()
    {
        var conf = Prod.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content;
        Assert.Contains("real_ip_header CF-Connecting-IP;", conf);
        Assert.Contains("limit_req_zone $binary_remote_addr zone=per_ip", conf);
        Assert.DoesNotContain("limit_req_zone $remote_addr", conf);
        // limit_req inside @start_stream would never run; starts are limited by concurrency.
        var start = Block(conf, "location @start_stream");
        Assert.DoesNotContain("limit_req ", start);
        Assert.Contains("limit_conn starts_per_ip 2;", start);
    }

    [Fact]
    public void Nofile_is_one_number_for_nginx_and_its_unit()
    {
        var conf = Prod.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content;
        var unit = Prod.Files.Single(f => f.Path == "/etc/systemd/system/nginx.service").Content;
        Assert.Contains("worker_rlimit_nofile 100000;", conf);
        Assert.Contains("LimitNOFILE=100000", unit);
        Assert.Contains("LimitNOFILE=65536", Prod.Files.Single(f => f.Path == "/etc/systemd/system/stream-api.service").Content);
    }

    [Fact]
    public void Mount_unit_is_named_after_its_mount_point()
    {
        Assert.Equal("var-www-hls.mount", Systemd.MountUnitName(new("/var/www/hls")));
        Assert.Equal("srv-hls\\x2ddata-live_1.mount", Systemd.MountUnitName(new("/srv/hls-data/live_1")));
        var mount = Prod.Files.Single(f => f.Path == "/etc/systemd/system/var-www-hls.mount").Content;
        Assert.Contains("Options=size=2747392k,mode=0755,uid=streamapi,gid=streamapi,nosuid,nodev,noexec", mount);
    }

    [Fact]
    public void Udev_rules_set_schedulers_on_members_and_read_ahead_on_md()
    {
        var rules = Prod.Files.Single(f => f.Path == "/etc/udev/rules.d/60-origin-io.rules").Content;
        Assert.Contains("KERNEL==\"nvme*\", ATTR{queue/scheduler}=\"none\"", rules);
        Assert.Contains("KERNEL==\"md*\", ATTR{bdi/read_ahead_kb}=\"2048\"", rules);
        Assert.DoesNotContain("md*\", ATTR{queue/scheduler}", rules);
    }

    [Fact]
    public void Secrets_travel_only_as_supplied_files()
    {
        var supplied = Prod.Steps.SelectMany(s => s.Supplied).ToList();
        Assert.Equal(["redis-secret", "redis-password-env", "token-keys", "origin-certificate"], supplied.Select(s => s.Name));
        Assert.All(supplied.Where(s => s.Supply is Supply.RedisPassword or Supply.TokenKeys), s => Assert.True(s.IsSecret));
        var supplies = new Supplies("0123456789abcdefXYZ", "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
            Supplies.JoinTokenKeys("current-token-key-0123456789abcdef", "previous-token-key-0123456789abcdef"));
        Assert.Contains("requirepass 0123456789abcdefXYZ", supplied[0].Render(supplies));
        var keys = supplied.Single(s => s.Supply == Supply.TokenKeys);
        Assert.Equal(("640", "root", "streamapi"), (keys.Mode, keys.Owner, keys.Group));
        Assert.EndsWith("\ncurrent-token-key-0123456789abcdef\nprevious-token-key-0123456789abcdef\n", keys.Render(supplies));
        Assert.All(PlanBundle.Files(Prod).Values, text => Assert.DoesNotContain("0123456789abcdefXYZ", text));
    }

    /// <summary>
    /// A rotated secret reaches everything that logs in with it: every step whose files or scripts name a
    /// file rendered with the Redis password (its services read it) gets a new generation, and so
    /// re-applies, with nothing but the password changed; every other step keeps its own.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_new_redis_password_gives_every_step_that_reads_it_a_new_generation_and_no_other(bool withoutRedisExporter)
    {
        var plan = withoutRedisExporter ? Stacks.ProdPlan("monitoring.redis.enabled=false") : Stacks.ProdPlan();
        Supplies With(string password) => new(password, "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n", Supplies.JoinTokenKeys("current-token-key-0123456789abcdef", null));
        var passwordFiles = plan.Steps.SelectMany(s => s.Supplied).Where(f => f.Supply == Supply.RedisPassword).Select(f => f.Path).ToList();
        var readers = plan.Steps.Where(s => s.Supplied.Any(f => f.Supply == Supply.RedisPassword)
            || s.StagedFiles().Any(f => passwordFiles.Any(p => f.Content.Contains(p, StringComparison.Ordinal)))).Select(s => s.Name).ToList();

        var changed = plan.Steps.Where(s => s.GenerationFor(With("first-Redis-passw0rd")) != s.GenerationFor(With("second-Redis-passw0rd"))).Select(s => s.Name).ToList();

        Assert.Equal(readers, changed);
        Assert.Contains("stream-service", changed);
        Assert.Equal(!withoutRedisExporter, changed.Contains("monitoring"));
    }

    [Fact]
    public void Every_apply_command_carries_its_hash_for_the_revert_guard()
    {
        foreach (var step in Prod.Steps)
        {
            Assert.StartsWith($"ORIGIN_STEP_HASH={step.ContentHash} timeout --kill-after=10 {step.BudgetSeconds} bash {step.StageDir}/apply.sh ", step.ApplyCommand);
            Assert.StartsWith("#!/bin/bash", step.ApplyScript);
            Assert.Contains("begin_revert", step.RevertScript);
            Assert.Contains("finish_apply", step.ApplyScript);
        }
        Assert.NotNull(Prod["firewall"].ConfirmCommand);
    }

    [Fact]
    public void Every_template_is_used()
    {
        // Variants cover the templates the prod stack leaves out (Debian 13, git source, no API prefix, no Prometheus).
        var bundles = new[]
        {
            Prod,
            Stacks.ProdPlan("host.release=13"),
            Stacks.ProdPlan("stream.source={kind: git, url: \"https://git.example.com/team/stream-api.git\", ref: v1.2.0}"),
            Stacks.ProdPlan("nginx.apiPrefix=null"),
            Stacks.ProdPlan("monitoring.prometheus.mode=none"),
        }.SelectMany(p => PlanBundle.Files(p).Values.Concat(p.Steps.SelectMany(s => s.Supplied.Select(f => f.Template == "" ? "" : Template.Read(f.Template)))))
            // The hcloud server's user data is rendered outside the plan, from the host key.
            .Append(HostKeyTests.UserDataOfANewKey()).ToList();
        foreach (var template in Template.All())
        {
            var marker = Template.Read(template).Split('\n').FirstOrDefault(l => l.Trim().Length > 8 && !l.Contains("{{"));
            Assert.True(marker is not null, $"files/{template} has no line to recognise it by");
            Assert.True(bundles.Any(b => b.Contains(marker)), $"files/{template} is never rendered (dead template?)");
        }
    }

    /// <summary>The config without its comment lines, so assertions see directives only.</summary>
    private static string Directives(string conf) =>
        string.Join('\n', conf.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));

    /// <summary>The entries of the http-level map that sets <paramref name="variable"/>.</summary>
    private static string Map(string conf, string variable)
    {
        var from = conf.IndexOf($" {variable} {{", StringComparison.Ordinal);
        Assert.True(from >= 0, $"no map sets {variable}");
        return conf[from..conf.IndexOf("\n    }", from, StringComparison.Ordinal)];
    }

    /// <summary>The text of the nginx block that starts with <paramref name="start"/>, up to its closing brace.</summary>
    private static string Block(string conf, string start)
    {
        var from = conf.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no block starting with {start}");
        return conf[from..conf.IndexOf("\n        }", from, StringComparison.Ordinal)];
    }
}
