using Origin.Binding;
using Origin.Box;
using Origin.Edge;
using Origin.EdgeStandIn;
using Origin.Settings;

namespace Origin.Bench.Tests;

/// <summary>How long a step holds its load for the players, and the edge in front of each config.</summary>
public sealed class StepViewersTests
{
    private static readonly HlsSettings Hls = new(); // 2 s segments, 6 listed

    [Fact]
    public void A_step_holds_its_load_until_the_players_have_joined_started_and_played()
    {
        // Join 2 s, first frame 15 s, play 30 s.
        Assert.Equal(TimeSpan.FromSeconds(47), Options.Parse([]).StepDuration(Hls));
        // FFmpeg reads a playlist window (6 x 2 s) beyond its play.
        Assert.Equal(TimeSpan.FromSeconds(2 + 15 + 20 + 12), Options.Parse(["--viewers", "3", "--play", "20", "--ffmpeg"]).StepDuration(Hls));
        // A --duration longer than the players need stands; without players it is the step.
        Assert.Equal(TimeSpan.FromSeconds(60), Options.Parse(["--duration", "60"]).StepDuration(Hls));
        Assert.Equal(TimeSpan.FromSeconds(5), Options.Parse(["--viewers", "0", "--duration", "5"]).StepDuration(Hls));
        Assert.Throws<ArgumentException>(() => Options.Parse(["--viewers", "-1"]));
    }

    private static EdgePolicy Stack() => EdgePolicy.Build(OriginConfig.Load(StackConfig.ReadStackFile(Repo.ProdStack)).Valid);

    [Fact]
    public void Behind_before_and_audit_nothing_is_cached_yet_the_players_urls_reach_the_same_files()
    {
        var stack = Stack();
        var token = Origin.Tokens.ViewerTokens.Issue("k", "1", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var viewerUri = $"/live/{token}/stream_1.m3u8";
        foreach (var config in new[] { "before", "audit" })
        {
            var edge = StepViewers.EdgeFor(config, stack);
            var fields = new RequestFields(edge.RecordName, "/live/stream_1_42.ts");
            // The audited host's Cloudflare: no cache rule, so neither segments nor playlists are eligible; no rate limit.
            Assert.False(CacheSettings.For(edge.CacheRules.Select(CompiledCacheRule.From).ToList(), fields).Eligible);
            Assert.Empty(edge.RateLimitRules);
            Assert.Null(edge.TokenCheck);
            // The stack's rewrite stays: the origin gets the file's path, the token in a query those configs ignore.
            var verdict = TimedHmac.Evaluate(edge, [], viewerUri, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.True(verdict.Allowed);
            Assert.StartsWith("/live/stream_1.m3u8?", verdict.OriginPathAndQuery);
        }
        var own = StepViewers.EdgeFor("stack", stack);
        Assert.Same(stack, own);
        Assert.True(CacheSettings.For(own.CacheRules.Select(CompiledCacheRule.From).ToList(), new RequestFields(own.RecordName, "/live/stream_1_42.ts")).Eligible);
    }
}
