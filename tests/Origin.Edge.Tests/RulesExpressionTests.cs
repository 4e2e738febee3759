namespace Origin.EdgeStandIn.Tests;

public sealed class RulesExpressionTests
{
    /// <summary>The example table of https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/http.request.uri.path.extension</summary>
    [Theory]
    [InlineData("/articles/index.html", "html")]
    [InlineData("/articles/index.", "")]
    [InlineData("/foo", "")]
    [InlineData("/foo.mp3", "mp3")]
    [InlineData("/.mp3", "")]
    [InlineData("/.foo.mp3", "mp3")]
    [InlineData("/foo.tar.bz2", "bz2")]
    [InlineData("/foo.", "")]
    [InlineData("/foo.MP3", "mp3")]
    public void Path_extension_is_computed_as_cloudflare_documents(string path, string extension) =>
        Assert.Equal(extension, new RequestFields("example.com", path).Extension);

    [Theory]
    [InlineData("live.example.com", "/live/stream_1001.m3u8", "playlists")]
    [InlineData("live.example.com", "/live/stream_1001_1764580000.ts", "segments")]
    [InlineData("live.example.com", "/live/stream_1001_1.TS", "segments")]
    [InlineData("live.example.com", "/api/health", "api")]
    [InlineData("live.example.com", "/other/stream_1001.m3u8", null)]
    [InlineData("other.example.com", "/live/stream_1001.m3u8", null)]
    [InlineData("live.example.com", "/live/stream_1001.m3u8.bak", null)]
    public void The_prod_policys_cache_rules_select_the_paths_the_origin_serves(string host, string path, string? rule)
    {
        var rules = ProdPolicy.Build().CacheRules.Select(CompiledCacheRule.From).ToList();
        Assert.Equal(rule, CacheSettings.For(rules, new RequestFields(host, path)).RuleRef);
    }

    [Fact]
    public void The_prod_rate_limit_counts_every_media_request_and_nothing_else()
    {
        var rule = Assert.Single(ProdPolicy.Build().RateLimitRules);
        var expression = RulesExpression.Parse(rule.Expression);
        Assert.True(expression.Matches(new("live.example.com", "/live/stream_1.m3u8")));
        Assert.True(expression.Matches(new("live.example.com", "/live/stream_1_2.ts")));
        Assert.False(expression.Matches(new("live.example.com", "/api/health")));
    }

    [Theory]
    [InlineData("starts_with(http.request.uri.path, \"/a\")", "/a/b", true)]
    [InlineData("ends_with(http.request.uri.path, \".html\")", "/welcome.html", true)]
    [InlineData("ends_with(http.request.uri.path, \".html\")", "/welcome.htm", false)]
    [InlineData("(http.host eq \"h\" and (http.request.uri.path.extension in {\"ts\" \"m4s\"}))", "/x.m4s", true)]
    [InlineData("http.request.uri.path eq \"/say \\\"hi\\\"\"", "/say \"hi\"", true)]
    public void Operators_functions_and_grouping_evaluate(string expression, string path, bool matches) =>
        Assert.Equal(matches, RulesExpression.Parse(expression).Matches(new RequestFields("h", path)));

    [Theory]
    [InlineData("http.host eq \"a\" or http.host eq \"b\"")]
    [InlineData("not http.host eq \"a\"")]
    [InlineData("http.host contains \"a\"")]
    [InlineData("http.host matches \"a.*\"")]
    [InlineData("http.request.uri.query eq \"a\"")]
    [InlineData("lower(http.host) eq \"a\"")]
    [InlineData("http.host == \"a\"")]
    public void Anything_outside_the_subset_is_refused_when_parsed(string expression) =>
        Assert.ThrowsAny<Exception>(() => RulesExpression.Parse(expression));
}
