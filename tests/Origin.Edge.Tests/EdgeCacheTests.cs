using Microsoft.Extensions.Time.Testing;

namespace Origin.EdgeStandIn.Tests;

/// <summary>The cache lock of one data centre (CacheTier cites Cloudflare's page and Pingora's lock) and the two tiers.</summary>
public sealed class EdgeCacheTests
{
    private static readonly StoredResponse Ok = new(200, [], [1, 2, 3]);
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(2);

    /// <summary>Cloudflare's "Example 2": many simultaneous misses in one data centre, one origin request, every waiter served.</summary>
    [Fact]
    public async Task Concurrent_misses_for_a_cacheable_asset_make_one_origin_fetch()
    {
        var cache = new CacheTier(TimeProvider.System, Lock);
        var release = new TaskCompletionSource();
        var fetches = 0;
        async Task<Fetched> Fetch(StoredResponse? _)
        {
            Interlocked.Increment(ref fetches);
            await release.Task;
            return new(Ok, TimeSpan.FromSeconds(10));
        }
        var viewers = Enumerable.Range(0, 20).Select(_ => cache.Get("k", Fetch)).ToList();
        await Task.Delay(100);
        release.SetResult();
        var answers = await Task.WhenAll(viewers);
        Assert.Equal(1, fetches);
        Assert.All(answers, a => Assert.Same(Ok, a.Response));
        Assert.Equal(CacheStatus.Hit, (await cache.Get("k", Fetch)).Status);
    }

    /// <summary>Pingora's GiveUp: a waiter never gets another request's uncacheable answer; each goes to the origin itself.</summary>
    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(504)]
    [InlineData(200)]
    public async Task Waiters_behind_an_uncacheable_answer_each_fetch_their_own(int status)
    {
        var cache = new CacheTier(TimeProvider.System, TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource();
        var fetches = 0;
        async Task<Fetched> Fetch(StoredResponse? _)
        {
            var n = Interlocked.Increment(ref fetches);
            if (n == 1)
            {
                await release.Task;
                return new(new StoredResponse(status, [], [9]), null);
            }
            return new(new StoredResponse(200, [], [(byte)n]), null);
        }
        var first = cache.Get("k", Fetch);
        await Task.Delay(100);
        var waiters = Enumerable.Range(0, 5).Select(_ => cache.Get("k", Fetch)).ToList();
        await Task.Delay(100);
        release.SetResult();
        Assert.Equal(status, (await first).Response.Status);
        var answers = await Task.WhenAll(waiters);
        Assert.Equal(6, fetches);
        Assert.All(answers, a => Assert.NotEqual<byte>(9, a.Response.Body[0]));
    }

    /// <summary>Pingora's WaitTimeout: a waiter past the lock timeout goes to the origin itself, while the slow fill goes on.</summary>
    [Fact]
    public async Task Waiters_past_the_lock_timeout_go_to_the_origin_themselves()
    {
        var clock = new FakeTimeProvider();
        var cache = new CacheTier(clock, Lock);
        var slow = new TaskCompletionSource<Fetched>();
        var fetches = 0;
        Task<Fetched> Fetch(StoredResponse? _) =>
            Interlocked.Increment(ref fetches) == 1 ? slow.Task : Task.FromResult(new Fetched(new StoredResponse(200, [], [2]), TimeSpan.FromSeconds(10)));
        var first = cache.Get("k", Fetch);
        var waiter = cache.Get("k", Fetch);
        await Task.Delay(50);
        Assert.False(waiter.IsCompleted);
        clock.Advance(Lock);
        var own = await waiter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, own.Response.Body[0]);
        Assert.Equal(2, fetches);
        // A request arriving after the lock aged out competes for a new lock rather than waiting on the old one.
        var late = await cache.Get("k", Fetch).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, fetches);
        slow.SetResult(new Fetched(Ok, TimeSpan.FromSeconds(10)));
        await first;
        Assert.Equal(CacheStatus.Miss, late.Status);
    }

    /// <summary>Pingora's TransientError: a failed fill lets one waiter become the next writer.</summary>
    [Fact]
    public async Task A_failed_fill_hands_the_lock_to_one_waiter()
    {
        var cache = new CacheTier(TimeProvider.System, TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource();
        var fetches = 0;
        async Task<Fetched> Fetch(StoredResponse? _)
        {
            if (Interlocked.Increment(ref fetches) == 1)
            {
                await release.Task;
                throw new HttpRequestException("origin reset the connection");
            }
            return new(Ok, TimeSpan.FromSeconds(10));
        }
        var first = cache.Get("k", Fetch);
        await Task.Delay(50);
        var waiters = Enumerable.Range(0, 5).Select(_ => cache.Get("k", Fetch)).ToList();
        await Task.Delay(50);
        release.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => first);
        Assert.All(await Task.WhenAll(waiters), a => Assert.Same(Ok, a.Response));
        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task An_entry_is_served_until_its_ttl_ends_then_revalidated_with_the_stale_copy()
    {
        var clock = new FakeTimeProvider();
        var cache = new CacheTier(clock, Lock);
        var seen = new List<StoredResponse?>();
        Task<Fetched> Fetch(StoredResponse? stale) { seen.Add(stale); return Task.FromResult(new Fetched(Ok, TimeSpan.FromSeconds(1))); }

        Assert.Equal(CacheStatus.Miss, (await cache.Get("k", Fetch)).Status);
        clock.Advance(TimeSpan.FromMilliseconds(900));
        var hit = await cache.Get("k", Fetch);
        Assert.Equal((CacheStatus.Hit, (TimeSpan?)TimeSpan.FromMilliseconds(900)), (hit.Status, hit.Age));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(CacheStatus.Expired, (await cache.Get("k", Fetch)).Status);
        Assert.Equal([null, Ok], seen);
    }

    [Fact]
    public async Task A_response_without_a_ttl_is_not_stored()
    {
        var cache = new CacheTier(TimeProvider.System, Lock);
        var fetches = 0;
        Task<Fetched> Fetch(StoredResponse? _) { fetches++; return Task.FromResult(new Fetched(Ok, null)); }
        await cache.Get("k", Fetch);
        await cache.Get("k", Fetch);
        Assert.Equal(2, fetches);
    }

    /// <summary>
    /// Smart Tiered Cache: the upper tier keeps a playlist for its max-age, the lower tier keeps what the upper
    /// tier gave it for its own max-age, and Age adds up. With max-age=1 a viewer can get a playlist the origin
    /// wrote nearly 2 s before (then the browser keeps it its own second); the origin is asked once per upper-tier TTL.
    /// </summary>
    [Fact]
    public async Task Two_tiers_each_keep_a_playlist_for_its_max_age_and_age_adds_up()
    {
        var clock = new FakeTimeProvider();
        var cache = new EdgeCache(clock, tiered: true, Lock);
        var version = 0;
        var ttl = TimeSpan.FromSeconds(1);
        Task<Fetched> Origin(StoredResponse? _) => Task.FromResult(new Fetched(new StoredResponse(200, [], [(byte)++version]), ttl));
        TimeSpan? TtlOf(StoredResponse _) => ttl;

        // A viewer of another lower tier fills the upper tier at t=0.
        Assert.Null((await cache.Upper!.Get("k", Origin)).Age);
        clock.Advance(TimeSpan.FromMilliseconds(900));
        // This data centre's first viewer at t=0.9: a lower miss served by the upper tier, Age 0.9 s.
        var first = await cache.Get("k", Origin, TtlOf);
        Assert.Equal(((byte)1, (TimeSpan?)TimeSpan.FromMilliseconds(900)), (first.Response.Body[0], first.Age));
        clock.Advance(TimeSpan.FromMilliseconds(950));
        // t=1.85: the lower tier still holds version 1, written by the origin 1.85 s ago.
        var later = await cache.Get("k", Origin, TtlOf);
        Assert.Equal((CacheStatus.Hit, (byte)1, (TimeSpan?)TimeSpan.FromMilliseconds(1850)), (later.Status, later.Response.Body[0], later.Age));
        Assert.Equal(1, version);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, (await cache.Get("k", Origin, TtlOf)).Response.Body[0]);
        Assert.Equal(2, cache.Fills["k"]);
    }
}
