namespace Origin.EdgeStandIn;

/// <summary>
/// The edge's cache as a viewer's request passes it: the lower tier (the data centre the viewer reached) and, with
/// Tiered Cache on, an upper tier in front of the origin. "If content is not cached in lower-tier data centers ...,
/// the lower-tier must ask an upper-tier to see if it has the content. If the upper-tier does not have the content,
/// only the upper-tier can ask the origin" (https://developers.cloudflare.com/cache/how-to/tiered-cache/). Each
/// tier is a <see cref="CacheTier"/> with its own cache lock, and each keeps what it stores for the whole TTL the
/// policy gives the response, counted from its own fill: Cloudflare documents no subtraction of the upper tier's
/// Age from the lower tier's TTL, so a playlist with max-age=1 can be up to about 2 s old when the lower tier serves
/// it, and older again in the browser. The Age a tier sends adds its own residence time to the Age it received,
/// as a chain of caches does (RFC 9111 section 4.2.3); a response the origin generated for this request carries no
/// Age (RFC 9111 section 5.1: Age "implies that the response was not generated or validated by the origin server
/// for this request").
/// </summary>
public sealed class EdgeCache
{
    public CacheTier Lower { get; }
    public CacheTier? Upper { get; }

    public EdgeCache(TimeProvider clock, bool tiered, TimeSpan lockTimeout)
    {
        Lower = new CacheTier(clock, lockTimeout);
        Upper = tiered ? new CacheTier(clock, lockTimeout) : null;
    }

    /// <summary>Fetches that reached the origin, by key.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Fills => (Upper ?? Lower).Fills;

    /// <param name="origin">Fetches from the origin, given the stale copy to revalidate.</param>
    /// <param name="ttlOf">The policy's edge TTL for a response a tier receives from the tier behind it.</param>
    public Task<Served> Get(string key, Func<StoredResponse?, Task<Fetched>> origin, Func<StoredResponse, TimeSpan?> ttlOf)
    {
        if (Upper is not { } upper) return Lower.Get(key, origin);
        return Lower.Get(key, async _ =>
        {
            var served = await upper.Get(key, origin);
            return new Fetched(served.Response, ttlOf(served.Response), Age: served.Age);
        });
    }
}
