using Microsoft.Extensions.Time.Testing;

namespace Origin.EdgeStandIn.Tests;

public sealed class EdgeCacheTests
{
    private static readonly StoredResponse Ok = new(200, [], [1, 2, 3]);

    [Fact]
    public async Task Concurrent_misses_for_one_key_make_one_origin_fetch()
    {
        var cache = new EdgeCache(TimeProvider.System);
        var release = new TaskCompletionSource();
        var fetches = 0;
        async Task<(StoredResponse, TimeSpan?)> Fetch()
        {
            Interlocked.Increment(ref fetches);
            await release.Task;
            return (Ok, TimeSpan.FromSeconds(10));
        }
        var viewers = Enumerable.Range(0, 20).Select(_ => cache.Get("k", Fetch)).ToList();
        await Task.Delay(100);
        release.SetResult();
        var answers = await Task.WhenAll(viewers);
        Assert.Equal(1, fetches);
        Assert.All(answers, a => Assert.Same(Ok, a.Response));
        Assert.Equal(CacheStatus.Hit, (await cache.Get("k", Fetch)).Status);
    }

    [Fact]
    public async Task An_entry_is_served_until_its_ttl_ends_then_fetched_again()
    {
        var clock = new FakeTimeProvider();
        var cache = new EdgeCache(clock);
        var fetches = 0;
        Task<(StoredResponse, TimeSpan?)> Fetch() { fetches++; return Task.FromResult<(StoredResponse, TimeSpan?)>((Ok, TimeSpan.FromSeconds(1))); }

        Assert.Equal(CacheStatus.Miss, (await cache.Get("k", Fetch)).Status);
        clock.Advance(TimeSpan.FromMilliseconds(900));
        var hit = await cache.Get("k", Fetch);
        Assert.Equal((CacheStatus.Hit, TimeSpan.FromMilliseconds(900)), (hit.Status, hit.Age));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(CacheStatus.Expired, (await cache.Get("k", Fetch)).Status);
        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task A_response_without_a_ttl_is_not_stored()
    {
        var cache = new EdgeCache(TimeProvider.System);
        var fetches = 0;
        Task<(StoredResponse, TimeSpan?)> Fetch() { fetches++; return Task.FromResult<(StoredResponse, TimeSpan?)>((Ok, null)); }
        await cache.Get("k", Fetch);
        await cache.Get("k", Fetch);
        Assert.Equal(2, fetches);
    }
}
