using System.Collections.Concurrent;

namespace Origin.EdgeStandIn;

/// <summary>A response as the edge stores it: status, the origin's headers, the whole body.</summary>
public sealed record StoredResponse(int Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is [var first, ..] ? first : null;
}

/// <summary>What the edge did with a request: Cloudflare's cf-cache-status values
/// (https://developers.cloudflare.com/cache/concepts/cache-responses/).</summary>
public enum CacheStatus { Hit, Miss, Expired, Bypass, Dynamic }

/// <summary>
/// The edge's cache: one entry per cache key until its edge TTL ends. Concurrent misses for one key share one
/// origin fetch, as Tiered Cache's upper tier does for every lower tier behind it
/// (https://developers.cloudflare.com/cache/how-to/tiered-cache/): only the first request goes to the origin and
/// the others wait for its response.
/// </summary>
public sealed class EdgeCache(TimeProvider clock)
{
    private sealed record Entry(StoredResponse Response, DateTimeOffset Stored, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(StoredResponse Response, TimeSpan? Ttl)>>> _fills = new();

    /// <summary>Origin fetches made to fill the cache, by key.</summary>
    public ConcurrentDictionary<string, int> Fills { get; } = new();

    /// <summary>The stored response while it is fresh; otherwise one fetch for everyone asking at the same time.</summary>
    /// <param name="fetch">Fetches from the origin and says how long the answer may be kept (null: not at all).</param>
    /// <returns>The response, what the cache did, and how long ago the response came from the origin.</returns>
    public async Task<(StoredResponse Response, CacheStatus Status, TimeSpan Age)> Get(string key, Func<Task<(StoredResponse, TimeSpan?)>> fetch)
    {
        var now = clock.GetUtcNow();
        var existing = _entries.TryGetValue(key, out var e) ? e : null;
        if (existing is not null && existing.Expires > now) return (existing.Response, CacheStatus.Hit, now - existing.Stored);

        var mine = new Lazy<Task<(StoredResponse, TimeSpan?)>>(() => Fill(key, fetch));
        var fill = _fills.GetOrAdd(key, mine);
        var (response, _) = await fill.Value;
        return (response, existing is null ? CacheStatus.Miss : CacheStatus.Expired, TimeSpan.Zero);
    }

    private async Task<(StoredResponse, TimeSpan?)> Fill(string key, Func<Task<(StoredResponse, TimeSpan?)>> fetch)
    {
        try
        {
            Fills.AddOrUpdate(key, 1, (_, n) => n + 1);
            var (response, ttl) = await fetch();
            var stored = clock.GetUtcNow();
            if (ttl is { } t) _entries[key] = new Entry(response, stored, stored + t);
            else _entries.TryRemove(key, out _);
            return (response, ttl);
        }
        finally
        {
            _fills.TryRemove(key, out _);
        }
    }
}
