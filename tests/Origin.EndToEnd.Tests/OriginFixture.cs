using Origin.Box;

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

    public async Task InitializeAsync() => Box = await OriginBox.Start(overrides: ShortMonitoringIntervals);

    public async Task DisposeAsync()
    {
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
