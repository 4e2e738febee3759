using System.Text.Json;
using System.Text.RegularExpressions;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>What the monitoring step renders from the settings: the dashboard, the scrape targets, the sandboxes, the checks.</summary>
public partial class MonitoringPlanTests
{
    private static string Content(HostPlan plan, string path) => plan["monitoring"].Files.Single(f => f.Path == path).Content;

    private static JsonElement DashboardOf(HostPlan plan) =>
        JsonDocument.Parse(Content(plan, "/etc/origin-stack/monitoring/grafana-dashboard.json")).RootElement;

    /// <summary>
    /// What Grafana's import of an exported dashboard reads: a data source input it asks for
    /// (__inputs, referenced as ${DS_PROMETHEUS}), "id": null so it creates a dashboard, a uid of 8-40
    /// characters, a title, schemaVersion, and panels with an id, a type, a gridPos on the 24-column grid
    /// and targets (https://grafana.com/docs/grafana/v10.2/dashboards/build-dashboards/view-dashboard-json-model/).
    /// </summary>
    [Fact]
    public void The_dashboard_has_what_grafanas_import_needs()
    {
        var d = DashboardOf(Stacks.ProdPlan());
        var input = Assert.Single(d.GetProperty("__inputs").EnumerateArray());
        Assert.Equal("DS_PROMETHEUS", input.GetProperty("name").GetString());
        Assert.Equal("datasource", input.GetProperty("type").GetString());
        Assert.Equal("prometheus", input.GetProperty("pluginId").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("id").ValueKind);
        Assert.InRange(d.GetProperty("uid").GetString()!.Length, 8, 40);
        Assert.Contains("live.example.com", d.GetProperty("title").GetString());
        Assert.True(d.GetProperty("schemaVersion").GetInt32() >= 36);

        var panels = d.GetProperty("panels").EnumerateArray().ToList();
        Assert.True(panels.Count >= 10);
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var cells = new HashSet<(int, int)>();
        foreach (var p in panels)
        {
            var title = p.GetProperty("title").GetString();
            Assert.Contains(p.GetProperty("type").GetString(), new[] { "stat", "timeseries" });
            Assert.Equal("${DS_PROMETHEUS}", p.GetProperty("datasource").GetProperty("uid").GetString());
            var g = p.GetProperty("gridPos");
            var (x, y, w, h) = (g.GetProperty("x").GetInt32(), g.GetProperty("y").GetInt32(), g.GetProperty("w").GetInt32(), g.GetProperty("h").GetInt32());
            Assert.True(w > 0 && h > 0 && x >= 0 && x + w <= 24, $"{title}: off the 24-column grid");
            for (var i = x; i < x + w; i++)
                for (var j = y; j < y + h; j++)
                    Assert.True(cells.Add((i, j)), $"{title} overlaps another panel");
            var targets = p.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), title));
        }
        // The panels the issue asks for.
        var titles = panels.Select(p => p.GetProperty("title").GetString()!).ToList();
        foreach (var topic in new[] { "Channels", "Freshness", "Offload", "Egress", "status", "Descriptors", "Redis" })
            Assert.Contains(titles, t => t.Contains(topic, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_dashboard_query_is_valid_promql()
    {
        // promtool has no expression checker offline; a recording rule per query makes check rules parse each one.
        var exprs = DashboardOf(Stacks.ProdPlan()).GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!.Replace("$instance", ".+")).ToList();
        var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(exprs.Select((e, i) => $"      - record: dashboard:query{i}\n        expr: {JsonSerializer.Serialize(e)}\n"));
        using var root = new TempDir();
        var check = Tool.Run("promtool", ["check", "rules", root.Write("dashboard.rules.yml", rules)]);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains($"SUCCESS: {exprs.Count} rules found", check.Output);
    }

    [Fact]
    public void The_dashboards_axes_and_lines_are_the_configured_limits()
    {
        static double Max(JsonElement d, string title) => d.GetProperty("panels").EnumerateArray()
            .Single(p => p.GetProperty("title").GetString() == title).GetProperty("fieldConfig").GetProperty("defaults").GetProperty("max").GetDouble();
        var prod = DashboardOf(Stacks.ProdPlan());
        Assert.Equal(1000e6, Max(prod, "Egress against the port"));
        Assert.Equal(256 << 20, Max(prod, "Redis memory"));
        var changed = DashboardOf(Stacks.ProdPlan("host.nicMbps=10000", "redis.maxmemory=1g"));
        Assert.Equal(10_000e6, Max(changed, "Egress against the port"));
        Assert.Equal(1 << 30, Max(changed, "Redis memory"));
    }

    [Fact]
    public void Mode_none_renders_the_jobs_for_your_prometheus_at_the_origins_address_and_runs_none()
    {
        var plan = Stacks.ProdPlan("monitoring.prometheus.mode=none");
        var config = Content(plan, "/etc/origin-stack/monitoring/prometheus.yml");
        Assert.Contains("targets: [\"65.108.235.165:9100\"]", config);
        Assert.DoesNotContain("job_name: prometheus", config);
        Assert.DoesNotContain(plan.Files, f => f.Path.StartsWith("/etc/prometheus/", StringComparison.Ordinal) || f.Path == "/etc/default/prometheus");
        Assert.DoesNotContain("prometheus ", Stacks.ProdPlan("monitoring.prometheus.mode=none")["packages"].ApplyScript.Split('\n').Single(l => l.Contains("ensure_packages")) + " ");
        Assert.Contains("for service in prometheus.service prometheus-alertmanager.service; do", plan["monitoring"].ApplyScript);
        Assert.Contains("systemctl disable --now --quiet \"$service\"", plan["monitoring"].ApplyScript);
        Assert.Contains("targets: [\"[2001:db8::7]:9100\"]",
            Content(Stacks.ProdPlan("monitoring.prometheus={mode: none, targetAddress: \"2001:db8::7\"}"), "/etc/origin-stack/monitoring/prometheus.yml"));

        var local = Stacks.ProdPlan();
        Assert.Contains("targets: [\"127.0.0.1:9100\"]", Content(local, "/etc/prometheus/prometheus.yml"));
        Assert.Contains("--storage.tsdb.retention.time=15d --storage.tsdb.retention.size=4096MB --web.listen-address=127.0.0.1:9090", Content(local, "/etc/default/prometheus"));
        // promtool passes the config before anything restarts.
        var apply = local["monitoring"].ApplyScript;
        Assert.True(apply.IndexOf("promtool check config", StringComparison.Ordinal) < apply.IndexOf("systemctl restart", StringComparison.Ordinal));
    }

    [Fact]
    public void Exposure_admin_cidrs_opens_prometheus_to_the_admin_networks_only()
    {
        var plan = Stacks.ProdPlan("monitoring.exposure=adminCidrs");
        var nft = plan.Files.Single(f => f.Path == "/etc/origin-stack/firewall.nft").Content;
        Assert.Contains("tcp dport { 9100, 9113, 9121, 9090 } ip saddr @admin_v4 accept", nft);
        Assert.Contains("--web.listen-address=0.0.0.0:9090", Content(plan, "/etc/default/prometheus"));
    }

    [Fact]
    public void Monitoring_settings_that_cannot_work_are_refused()
    {
        FindingsAssert.ErrorAt(Stacks.Load("monitoring.node.enabled=false"), "origin:monitoring.node.enabled");
        FindingsAssert.ErrorAt(Stacks.Load("monitoring.alerts.stallFor=10s"), "origin:monitoring.alerts.stallFor");
        FindingsAssert.ErrorAt(Stacks.Load("monitoring.prometheus.port=9100"), "origin:monitoring.prometheus.port");
        FindingsAssert.ErrorAt(Stacks.Load("host={mode: hcloud, adminCidrs: [198.18.0.0/24], hcloud: {sshPublicKeys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOk3xZfUQ1b8KkU0v5N5i3yT1nqvJ0r2mQ4s6e8w9aBc test\"]}}", "monitoring.prometheus.mode=none"),
            "origin:monitoring.prometheus.targetAddress");
        FindingsAssert.WarningAt(Stacks.Load("monitoring.prometheus.mode=none"), "origin:monitoring.exposure");
        FindingsAssert.NoErrors(Stacks.Load("monitoring.prometheus.mode=none", "monitoring.exposure=adminCidrs"));
    }

    /// <summary>The new units' sandboxes, scored as systemd scores them (at most 2.5 of 10).</summary>
    [Theory]
    [InlineData("origin-hls-metrics.service")]
    [InlineData("prometheus.service")]
    public void The_collector_and_prometheus_are_sandboxed(string unit)
    {
        using var root = new TempDir();
        foreach (var f in Stacks.ProdPlan()["monitoring"].Files.Where(f => f.Path.StartsWith("/etc/systemd/system/", StringComparison.Ordinal)))
            root.Write(Path.Combine("units", f.Path["/etc/systemd/system/".Length..]), f.Content);
        // The trailing colon appends systemd's own paths: Debian's prometheus.service under its drop-in.
        var env = new Dictionary<string, string> { ["SYSTEMD_UNIT_PATH"] = root["units"] + ":" };
        var result = Tool.Run("systemd-analyze", ["security", "--offline=true", "--threshold=25", unit], env);
        var score = ExposureLine().Match(result.Output);
        Assert.True(result.ExitCode == 0 && score.Success, $"{unit} is exposed above 2.5:\n{result.Output}");
        Assert.DoesNotContain("ProtectSystem=", result.Output.Split('\n').Where(l => l.StartsWith('✗')).Select(l => l.Split(' ')[1]));
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d)")]
    private static partial Regex ExposureLine();
}
