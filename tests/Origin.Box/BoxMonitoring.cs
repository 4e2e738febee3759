using System.Net;
using System.Text.Json;

namespace Origin.Box;

/// <summary>
/// The monitoring step of the box's origin, running: Debian's node, nginx and Redis exporters and
/// Prometheus from their units with the rendered /etc/default files and drop-ins, and the HLS collector
/// run as origin-hls-metrics.timer runs it, every OnUnitActiveSec. Stopped on dispose; the origin stays.
/// </summary>
public sealed class BoxMonitoring : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly OriginBox _box;
    private readonly List<UnitProcess> _services = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _collector = Task.CompletedTask;

    public LoopbackHttp Prometheus { get; }
    public TimeSpan CollectInterval { get; }

    /// <summary>Collections run so far, and the last one's failure if it failed.</summary>
    public int Collections { get; private set; }
    public string? LastCollectorError { get; private set; }

    private BoxMonitoring(OriginBox box)
    {
        _box = box;
        Prometheus = new LoopbackHttp(box.Ports.Prometheus);
        CollectInterval = box.TimerInterval("origin-hls-metrics");
    }

    public static async Task<BoxMonitoring> Start(OriginBox box)
    {
        Tools.RequireBox(("/usr/bin/prometheus", "prometheus"), ("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter"),
            ("/usr/bin/prometheus-nginx-exporter", "prometheus-nginx-exporter"), ("/usr/bin/prometheus-redis-exporter", "prometheus-redis-exporter"));
        var monitoring = new BoxMonitoring(box);
        try
        {
            box.Root.CreateDirectory("/var/lib/prometheus/node-exporter");
            box.Root.CreateDirectory("/var/lib/prometheus/metrics2");
            await monitoring.Collect();
            monitoring._collector = monitoring.CollectEvery(monitoring.CollectInterval);
            var ports = box.Ports;
            foreach (var (unit, port, path) in new[]
            {
                ("prometheus-node-exporter", ports.NodeExporter, "/metrics"),
                ("prometheus-nginx-exporter", ports.NginxExporter, "/metrics"),
                ("prometheus-redis-exporter", ports.RedisExporter, "/metrics"),
                ("prometheus", ports.Prometheus, "/-/ready"),
            })
            {
                using var http = new LoopbackHttp(port);
                monitoring._services.Add(await UnitProcess.Start(box.Unit(unit), box.Root,
                    async () => (await http.GetText(path, null)).Status == HttpStatusCode.OK, StartTimeout));
            }
            return monitoring;
        }
        catch
        {
            await monitoring.DisposeAsync();
            throw;
        }
    }

    /// <summary>One run of origin-hls-metrics.service.</summary>
    private async Task Collect()
    {
        var result = await UnitProcess.RunOneshot(_box.Unit("origin-hls-metrics"), _box.Root, TimeSpan.FromSeconds(30));
        LastCollectorError = result.ExitCode == 0 ? null : result.Stderr + result.Stdout;
        Collections++;
    }

    /// <summary>OnUnitActiveSec: the next run starts an interval after the last one started.</summary>
    private async Task CollectEvery(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await Collect();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The result of an instant query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> Query(string promql)
    {
        var (status, body) = await Prometheus.GetText("/api/v1/query?query=" + Uri.EscapeDataString(promql), null);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"query {promql}: {(int)status} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Alerts Prometheus holds now (GET /api/v1/alerts): name, labels and state (pending or firing).</summary>
    public async Task<IReadOnlyList<(string Name, Dictionary<string, string> Labels, string State)>> Alerts()
    {
        var (status, body) = await Prometheus.GetText("/api/v1/alerts", null);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"alerts: {(int)status} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return (labels["alertname"], labels, a.GetProperty("state").GetString() ?? "");
        }).ToList();
    }

    public string Logs() => string.Join("\n", _services.Select(s => $"--- {s.Name}:\n{s.LogTail(15)}"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _collector;
        foreach (var service in Enumerable.Reverse(_services)) await service.DisposeAsync();
        Prometheus.Dispose();
        _stop.Dispose();
    }
}
