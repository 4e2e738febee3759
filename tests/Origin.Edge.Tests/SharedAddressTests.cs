using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Origin.Edge;
using Origin.Tokens;

namespace Origin.EdgeStandIn.Tests;

/// <summary>
/// A crowd behind one address (a carrier NAT): several hundred viewers, each with its own token, all from
/// 127.0.0.1, play one channel through the edge stand-in for two rate-limit periods, each asking what a player
/// asks (per 2 s segment: the playlist, the new segment, and a half-target-duration reload of the playlist).
/// None may get a 429 from the policy the stack deploys. The origin here is a double of nginx's media answers
/// (Cache-Control as the rendered config sends it), so the test runs in seconds; the clock is the edge's fake one.
/// </summary>
public sealed class SharedAddressTests
{
    private const int Viewers = 400;
    private const string Key = "shared-address-test-key-0123456789abcdef";
    private const int SegmentSeconds = 2;

    [Fact(Timeout = 120_000)]
    public async Task Several_hundred_viewers_behind_one_address_play_without_a_429_on_the_prod_policy()
    {
        var statuses = await Crowd(ProdPolicy.Build(), Viewers);
        Assert.DoesNotContain(429, statuses.Keys);
        Assert.Equal(Viewers * 3 * 10, statuses.GetValueOrDefault(200));
    }

    /// <summary>The same crowd against the rule as it was (200 requests per 10 s per address, cached counted) is blocked: the test can fail.</summary>
    [Fact(Timeout = 120_000)]
    public async Task The_old_per_address_rule_blocks_the_same_crowd()
    {
        var statuses = await Crowd(ProdPolicy.Build("cloudflare.rateLimits=[{name: media-flood, requests: 200}]", "cloudflare.viewersPerAddress=13"), Viewers);
        Assert.True(statuses.GetValueOrDefault(429) > Viewers, $"statuses: {string.Join(", ", statuses)}");
    }

    /// <summary>Business: count only what reaches the origin. The crowd's origin requests are a few per object, so a small limit holds.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Counting_only_origin_requests_lets_the_crowd_play_under_a_small_limit()
    {
        var policy = ProdPolicy.Build("cloudflare.plan=business", "cloudflare.rateLimits=[{name: media-flood, requests: 200, countCached: false}]", "cloudflare.playlistEdgeTtl=null");
        Assert.True(Assert.Single(policy.RateLimitRules).RequestsToOrigin);
        var statuses = await Crowd(policy, Viewers, keys: [Key]);
        Assert.DoesNotContain(429, statuses.Keys);
    }

    /// <summary>Enterprise with Advanced Rate Limiting: counted per token, a limit one viewer's rate fits holds for the
    /// whole crowd, while one token used far beyond a player's rate is blocked.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Counting_per_token_limits_each_viewer_not_the_address()
    {
        var policy = ProdPolicy.Build("cloudflare.plan=enterprise", "cloudflare.rateLimits=[{name: media-flood, requests: 20, per: token}]");
        Assert.Equal(EdgePolicy.TokenRateLimitCharacteristics, Assert.Single(policy.RateLimitRules).Characteristics);
        var statuses = await Crowd(policy, Viewers, keys: [Key], abuser: true);
        Assert.True(statuses.GetValueOrDefault(429) > 0, "the abuser's token was never limited");
        Assert.Equal(Viewers * 3 * 10, statuses.GetValueOrDefault(200) - statuses.GetValueOrDefault(-200));
    }

    /// <summary>
    /// Plays the crowd for 20 s of the edge's clock: per segment, every viewer asks for the playlist, the segment and
    /// the playlist again. Returns the count of each status the viewers got; with an abuser, one more client reuses
    /// a token of its own (a leaked URL, say) 100 times a segment (its 200s are counted under -200).
    /// </summary>
    private static async Task<Dictionary<int, int>> Crowd(EdgePolicy policy, int viewers, IReadOnlyList<string>? keys = null, bool abuser = false)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var origin = await MediaOrigin.Start(clock);
        await using var edge = await EdgeServer.Start(policy, origin.Url, new EdgeOptions { Clock = clock, TokenKeys = keys ?? [] });
        var tokens = Enumerable.Range(0, viewers)
            .Select(i => ViewerTokens.Issue(Key, "1", clock.GetUtcNow().ToUnixTimeSeconds() - i)).ToList();
        var leaked = ViewerTokens.Issue(Key, "1", clock.GetUtcNow().ToUnixTimeSeconds() - viewers);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = edge.Url };
        http.DefaultRequestHeaders.Host = policy.RecordName;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        using var gate = new SemaphoreSlim(64);
        async Task Ask(string path, bool abusive = false)
        {
            await gate.WaitAsync();
            try
            {
                using var response = await http.GetAsync(path);
                await response.Content.LoadIntoBufferAsync();
                var code = (int)response.StatusCode;
                statuses.AddOrUpdate(abusive && code == 200 ? -200 : code, 1, (_, n) => n + 1);
                if (abusive && code == 200) statuses.AddOrUpdate(200, 1, (_, n) => n + 1);
            }
            finally { gate.Release(); }
        }
        for (var step = 0; step < 10; step++)
        {
            var segment = origin.Newest;
            await Task.WhenAll(tokens.Select(t => Ask($"/live/{t}/stream_1.m3u8")));
            await Task.WhenAll(tokens.Select(t => Ask($"/live/{t}/stream_1_{segment}.ts")));
            if (abuser) await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Ask($"/live/{leaked}/stream_1.m3u8", abusive: true)));
            clock.Advance(TimeSpan.FromSeconds(SegmentSeconds / 2.0));
            await Task.WhenAll(tokens.Select(t => Ask($"/live/{t}/stream_1.m3u8")));
            clock.Advance(TimeSpan.FromSeconds(SegmentSeconds / 2.0));
        }
        return new(statuses);
    }

    /// <summary>A double of the origin's media answers: a playlist of the last segments (max-age=1), immutable segments.</summary>
    private sealed class MediaOrigin : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TimeProvider _clock;
        public Uri Url { get; private set; } = null!;
        public long Newest => _clock.GetUtcNow().ToUnixTimeSeconds() / SegmentSeconds;

        private MediaOrigin(TimeProvider clock)
        {
            _clock = clock;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            _app = builder.Build();
            _app.Run(async context =>
            {
                var path = context.Request.Path.Value ?? "";
                if (path == "/live/stream_1.m3u8")
                {
                    context.Response.Headers.CacheControl = "public, max-age=1";
                    var lines = Enumerable.Range(0, 6).Select(i => Newest - 5 + i).Select(n => $"#EXTINF:2.0,\nstream_1_{n}.ts");
                    await context.Response.WriteAsync($"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:{Newest - 5}\n{string.Join("\n", lines)}\n");
                }
                else if (path.StartsWith("/live/stream_1_", StringComparison.Ordinal) && path.EndsWith(".ts", StringComparison.Ordinal))
                {
                    context.Response.Headers.CacheControl = "public, max-age=3600, immutable";
                    await context.Response.Body.WriteAsync(new byte[1880]);
                }
                else context.Response.StatusCode = 404;
            });
        }

        public static async Task<MediaOrigin> Start(TimeProvider clock)
        {
            var origin = new MediaOrigin(clock);
            await origin._app.StartAsync();
            origin.Url = new Uri(origin._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
            return origin;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
