using Origin.Plan;
using YamlDotNet.RepresentationModel;

namespace Origin.Tests;

/// <summary>
/// Where the local Prometheus's alerts go: Debian's Alertmanager on loopback, its one route to the
/// receivers of monitoring.alertmanager, its config checked by the package's own amtool.
/// </summary>
public class AlertRoutingTests
{
    private const string Webhook = "monitoring.alertmanager.webhookUrl=https://alerts.example.net:8443/hooks/origin?team=video";
    private static readonly string[] Email =
    [
        "monitoring.alertmanager.email.to=oncall@example.net",
        "monitoring.alertmanager.email.from=origin@example.net",
        "monitoring.alertmanager.email.smarthost=mail.example.net:587",
    ];

    public static IEnumerable<object[]> Receivers() =>
    [
        [Array.Empty<string>()],
        [new[] { Webhook }],
        [Email],
        [Email.Append(Webhook).ToArray()],
    ];

    private static HostFile File(HostPlan plan, string path) => plan["monitoring"].Files.Single(f => f.Path == path);

    [Theory]
    [MemberData(nameof(Receivers))]
    public void Amtool_accepts_the_rendered_config(string[] changes)
    {
        using var root = new TempDir();
        var config = root.Write("alertmanager.yml", File(Stacks.ProdPlan(changes), "/etc/prometheus/alertmanager.yml").Content);
        var check = Tool.Run("amtool", ["check-config", config]);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS", check.Output);
    }

    [Theory]
    [MemberData(nameof(Receivers))]
    public void Every_alert_goes_to_the_receivers_the_operator_configured_and_nowhere_else(string[] changes)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File(Stacks.ProdPlan(changes), "/etc/prometheus/alertmanager.yml").Content)) yaml.Load(reader);
        var doc = (YamlMappingNode)yaml.Documents[0].RootNode;
        var route = (YamlMappingNode)doc["route"];
        Assert.Equal("operator", route["receiver"].ToString());
        Assert.False(route.Children.ContainsKey("routes"), "no sub-route may divert an alert from the operator");
        var receiver = (YamlMappingNode)Assert.Single((YamlSequenceNode)doc["receivers"]);
        var webhooks = receiver.Children.TryGetValue("webhook_configs", out var w) ? ((YamlSequenceNode)w).Cast<YamlMappingNode>().ToList() : [];
        var mails = receiver.Children.TryGetValue("email_configs", out var e) ? ((YamlSequenceNode)e).Cast<YamlMappingNode>().ToList() : [];

        Assert.Equal(changes.Contains(Webhook) ? ["https://alerts.example.net:8443/hooks/origin?team=video"] : Array.Empty<string>(), webhooks.Select(h => h["url"].ToString()));
        Assert.Equal(changes.Contains(Email[0]) ? ["oncall@example.net"] : Array.Empty<string>(), mails.Select(m => m["to"].ToString()));
        // A resolved alert is news too: the person told of a failure is told when it ends.
        Assert.All(webhooks.Concat(mails), r => Assert.Equal("true", r["send_resolved"].ToString()));
        if (mails.Count > 0)
        {
            var global = (YamlMappingNode)doc["global"];
            Assert.Equal("mail.example.net:587", global["smtp_smarthost"].ToString());
            Assert.Equal("origin@example.net", global["smtp_from"].ToString());
            Assert.Equal("true", global["smtp_require_tls"].ToString());
        }
    }

    [Fact]
    public void Alertmanager_listens_on_loopback_only_and_prometheus_sends_to_it()
    {
        var plan = Stacks.ProdPlan("monitoring.alertmanager.port=9193");
        var args = File(plan, "/etc/default/prometheus-alertmanager").Content;
        Assert.Contains("--web.listen-address=127.0.0.1:9193 ", args);
        // No gossip listener on every address (its default is 0.0.0.0:9094).
        Assert.Contains("--cluster.listen-address=\"", args);
        Assert.Contains("- targets: [\"127.0.0.1:9193\"]", File(plan, "/etc/prometheus/prometheus.yml").Content);
        Assert.Contains("amtool check-config /etc/prometheus/alertmanager.yml", plan["monitoring"].ApplyScript);
    }

    [Fact]
    public void Without_a_local_prometheus_there_is_no_alertmanager_and_a_previous_one_is_stopped()
    {
        var plan = Stacks.ProdPlan("monitoring.prometheus.mode=none", "monitoring.prometheus.targetAddress=203.0.113.7");
        Assert.DoesNotContain(plan["monitoring"].Files, f => f.Path.Contains("alertmanager", StringComparison.Ordinal));
        Assert.DoesNotContain("alerting:", File(plan, "/etc/origin-stack/monitoring/prometheus.yml").Content);
        Assert.DoesNotContain("prometheus-alertmanager ", plan["packages"].ApplyScript.Split('\n').Single(l => l.Contains("ensure_packages")) + " ");
        Assert.Contains("for service in prometheus.service prometheus-alertmanager.service; do", plan["monitoring"].ApplyScript);
    }

    [Fact]
    public void Mail_needs_a_sender_and_a_relay_and_no_receiver_is_a_warning()
    {
        var mailOnly = Stacks.Load("monitoring.alertmanager.email.to=oncall@example.net");
        FindingsAssert.ErrorAt(mailOnly, "origin:monitoring.alertmanager.email.from");
        FindingsAssert.ErrorAt(mailOnly, "origin:monitoring.alertmanager.email.smarthost");
        Assert.Contains("reach no one", FindingsAssert.WarningAt(Stacks.Load(), "origin:monitoring.alertmanager").ToString());
        Assert.DoesNotContain(Stacks.Load(Webhook).Findings.Warnings, w => w.Key == "origin:monitoring.alertmanager");
        FindingsAssert.ErrorAt(Stacks.Load("monitoring.alertmanager.port=9090"), "origin:monitoring.alertmanager.port");
    }

    /// <summary>The hand-off for a host that is gone: a URL an outside check polls through the public name.</summary>
    [Fact]
    public void The_outside_check_polls_the_apis_health_through_the_public_name_when_nginx_publishes_it()
    {
        Assert.Equal("https://live.example.com/api/health", Plan.Steps.AlertRouting.HealthCheckUrl(Stacks.Valid()));
        // The API's prefix elsewhere, or none: nginx does not pass /api/health on, so there is no such URL.
        Assert.Null(Plan.Steps.AlertRouting.HealthCheckUrl(Stacks.Valid("nginx.apiPrefix=/v1/")));
        Assert.Null(Plan.Steps.AlertRouting.HealthCheckUrl(Stacks.Valid("nginx.apiPrefix=null")));
    }

    [Fact]
    public void An_hls_dir_the_node_exporter_does_not_report_is_a_warning()
    {
        Assert.Contains("cannot fire", FindingsAssert.WarningAt(Stacks.Load("hls.dir=/run/hls"), "origin:hls.dir").ToString());
        Assert.DoesNotContain(Stacks.Load().Findings.Warnings, w => w.Key == "origin:hls.dir");
    }
}
