using Origin.Box;
using Origin.Edge;
using Origin.EdgeStandIn;
using Origin.Viewers;

namespace Origin.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class OriginCollection : ICollectionFixture<OriginFixture>
{
    public const string Name = "rendered origin on loopback";
}

/// <summary>
/// One origin for the whole run (starting it takes a few seconds). Tests share it one at a time, so
/// each takes its own channels, viewer addresses and tokens and leaves the origin running.
/// </summary>
public sealed class OriginFixture : IAsyncLifetime
{
    private int _channels;
    private int _viewers;
    private Task<string>? _liveChannel;

    public OriginBox Box { get; private set; } = null!;

    /// <summary>
    /// The prod stack, with monitoring's intervals short enough for a test to watch an alert fire: the
    /// collector and Prometheus every second, a stall alerting after 5 s. Nothing else reads these keys.
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Value)> ShortMonitoringIntervals =
    [
        ("monitoring.collectInterval", "1s"),
        ("monitoring.prometheus.scrapeInterval", "1s"),
        ("monitoring.alerts.stallFor", "5s"),
    ];

    /// <summary>The edge stand-in in front of the origin, configured from the stack's own edge policy.</summary>
    public EdgeServer EdgeStandIn { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Box = await OriginBox.Start(overrides: ShortMonitoringIntervals);
        EdgeStandIn = await StartEdge(EdgePolicy.Build(Box.Settings));
    }

    /// <summary>An edge for <paramref name="policy"/> in front of this origin, serving the test player's page.</summary>
    public Task<EdgeServer> StartEdge(EdgePolicy policy) => EdgeServer.Start(policy, new Uri($"http://127.0.0.1:{Box.Ports.Http}"), PlayerPage.EdgeServing);

    /// <summary>The stack's policy as it was before its cache rules set the browser TTL: the zone's 4 hours apply.</summary>
    public EdgePolicy PolicyWithoutBrowserTtl()
    {
        var policy = EdgeStandIn.Policy;
        return policy with { CacheRules = policy.CacheRules.Select(r => r with { BrowserTtl = null }).ToList() };
    }

    /// <summary>The zone's host name: what viewers ask the edge for.</summary>
    public string HostName => EdgeStandIn.Policy.RecordName;

    public ViewerHttp Viewer(string address, EdgeServer? edge = null) => new((edge ?? EdgeStandIn).Port, address, HostName);

    public async Task DisposeAsync()
    {
        if (EdgeStandIn is not null) await EdgeStandIn.DisposeAsync();
        if (Box is not null) await Box.DisposeAsync();
    }

    /// <summary>A channel id nothing has used yet (ids are digits: the rendered location only starts those).</summary>
    public string NewChannel() => (1000 + Interlocked.Increment(ref _channels)).ToString();

    /// <summary>A viewer address nobody has used yet, for CF-Connecting-IP only (198.18.0.0/15 is for benchmarks; no packet goes there).</summary>
    public string NewViewerIp()
    {
        var n = Interlocked.Increment(ref _viewers);
        return $"198.18.{n / 250}.{n % 250 + 1}";
    }

    /// <summary>A loopback address no viewer of the edge stand-in has used yet, for a client that connects from it.</summary>
    public string NewLoopbackViewer()
    {
        var n = Interlocked.Increment(ref _viewers);
        return $"127.10.{n / 250}.{n % 250 + 1}";
    }

    /// <summary>A channel started once and left running, for tests that only need something live.</summary>
    public Task<string> LiveChannel() => _liveChannel ??= StartChannel();

    /// <summary>Starts a channel through nginx (a cold request) and returns its id.</summary>
    public async Task<string> StartChannel()
    {
        var channel = NewChannel();
        await Box.StartChannel(channel, NewViewerIp());
        return channel;
    }
}
