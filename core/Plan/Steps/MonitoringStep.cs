using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>Prometheus exporters from Debian's packages, bound to loopback or opened to the admin networks.</summary>
internal static class MonitoringStep
{
    /// <param name="Reaches">What the exporter talks to, besides answering HTTP: the reason for its address families.</param>
    public sealed record Exporter(string Name, string Package, ExporterSettings Settings, string AddressFamilies, string Reaches);

    public static IReadOnlyList<Exporter> Exporters(OriginSettings s) =>
    [
        new("node", "prometheus-node-exporter", s.Monitoring.Node, "AF_UNIX AF_INET AF_INET6 AF_NETLINK",
            "systemd on D-Bus (--collector.systemd) and the kernel over netlink (interface statistics)"),
        new("nginx", "prometheus-nginx-exporter", s.Monitoring.Nginx, "AF_UNIX AF_INET AF_INET6", "nginx's stub_status on loopback"),
        new("redis", "prometheus-redis-exporter", s.Monitoring.Redis, "AF_UNIX AF_INET AF_INET6", "Redis on loopback"),
    ];

    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var listen = s.Monitoring.Exposure == ExporterExposure.Loopback ? "127.0.0.1" : "0.0.0.0";
        var enabled = Exporters(s).Where(e => e.Settings.Enabled).ToList();
        var files = new List<HostFile>();
        foreach (var e in enabled)
        {
            var values = new Dictionary<string, Slot> { ["listen"] = Template.Token(listen), ["port"] = Template.Token(e.Settings.Port) };
            if (e.Name == "nginx") values["status_port"] = Template.Token(s.Nginx.StatusPort);
            if (e.Name == "redis") values["redis_port"] = Template.Token(s.Redis.Port);
            files.Add(PlanContext.File($"/etc/default/{e.Package}", "644", "root", "root", $"monitoring/{e.Name}-exporter.default", values));
            // REDIS_PASSWORD from the file systemd reads as root; it never appears on a command line.
            var environment = e.Name == "redis" ? [$"EnvironmentFile={RedisStep.PasswordEnv}"] : Array.Empty<string>();
            files.Add(PlanContext.File($"/etc/systemd/system/{e.Package}.service.d/origin.conf", "644", "root", "root", "monitoring/exporter.conf", new()
            {
                ["package"] = Template.Token(e.Package),
                ["reaches"] = Template.Comment(e.Reaches),
                ["environment"] = Template.Lines(environment),
                ["address_families"] = Template.Words(e.AddressFamilies.Split(' ')),
            }));
        }
        var names = Template.Words(enabled.Select(e => e.Package));
        return PlanContext.Step("monitoring", "Prometheus exporters", files,
            new()
            {
                ["place"] = PlanContext.PlaceLines(files),
                ["exporters"] = names,
                ["disabled"] = Template.Words(Exporters(s).Where(e => !e.Settings.Enabled).Select(e => e.Package)),
                ["wait"] = Template.Lines(enabled.Select(e => $"wait_for_tcp {e.Settings.Port} 15")),
            },
            new()
            {
                ["exporters"] = names,
                ["files"] = Template.Words(files.Select(f => f.Path)),
            });
    }
}
