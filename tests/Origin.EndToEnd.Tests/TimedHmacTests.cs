using Origin.EdgeStandIn;
using Origin.Box;
using Origin.Binding;
using Origin.Edge;
using Origin.Tokens;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// The edge stand-in's is_timed_hmac_valid_v0 and rule evaluation against Cloudflare's documentation. No
/// origin needed: these pin the stand-in the other tests (and the edge of the viewers' tests) rely on.
/// </summary>
public sealed class TimedHmacTests
{
    private const long Issued = 1_484_063_787;

    /// <summary>The documented Python 3.8 generator (configure-token-authentication/#hmac-token-generation), with a fixed time.</summary>
    private static string Documented(string message, string secret) =>
        Python($$"""
            import hmac
            import base64
            import urllib.parse
            from hashlib import sha256

            message = "{{message}}"
            secret = "{{secret}}"
            separator = "verify"
            timestamp = str(int({{Issued}}))
            digest = hmac.new((secret).encode('utf8'), "{}{}".format(message, timestamp).encode('utf8'), sha256)
            token = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
            print("{}={}-{}".format(separator, timestamp, token))
            """);

    [Fact]
    public void The_documented_example_rule_accepts_what_the_documented_generator_makes_until_the_ttl_runs_out()
    {
        // The WAF doc's example: /images/cat.jpg?verify=<ts>-<mac>, key mysecrettoken, ttl 10800, separator "?verify=" (8).
        var uri = "/images/cat.jpg?" + Documented("/images/cat.jpg", "mysecrettoken");
        Assert.True(TimedHmac.IsValidV0("mysecrettoken", uri, 10800, Issued + 10_799, 8));
        Assert.False(TimedHmac.IsValidV0("mysecrettoken", uri, 10800, Issued + 10_800, 8));    // now < issued + ttl, no more
        Assert.False(TimedHmac.IsValidV0("anothersecret", uri, 10800, Issued, 8));
        Assert.False(TimedHmac.IsValidV0("mysecrettoken", uri.Replace("cat", "dog"), 10800, Issued, 8));
        Assert.False(TimedHmac.IsValidV0("mysecrettoken", uri, 10800, Issued, 7));            // the message would end in "?"
    }

    [Fact]
    public void The_documented_example_mac_is_illustrative()
    {
        // The page's example MAC for /images/cat.jpg under "mysecrettoken" is not that HMAC: its own
        // generator gives another. So the generator, not the printed token, is the test vector above.
        const string printed = "/images/cat.jpg?verify=1484063787-9JQB8vP1z0yc5DEBnH6JGWM3mBmvIeMrnnxFi3WtJLE%3D";
        Assert.False(TimedHmac.IsValidV0("mysecrettoken", printed, 10800, Issued, 8));
        Assert.NotEqual(printed, "/images/cat.jpg?" + Documented("/images/cat.jpg", "mysecrettoken"));
    }

    [Fact]
    public void With_flag_s_the_mac_is_url_safe_base64_without_padding()
    {
        var token = ViewerTokens.Issue("k0123456789abcdef0123456789abcdef", "7", Issued);
        var query = ViewerTokens.Query("7", token);
        Assert.True(TimedHmac.IsValidV0("k0123456789abcdef0123456789abcdef", query, 60, Issued, 8, "s"));
        Assert.False(TimedHmac.IsValidV0("k0123456789abcdef0123456789abcdef", query, 60, Issued, 8));    // without "s" it is read as URL-encoded base64
        Assert.False(TimedHmac.IsValidV0("k0123456789abcdef0123456789abcdef", ViewerTokens.Query("8", token), 60, Issued, 8, "s"));
    }

    [Fact]
    public void The_edge_rewrites_the_token_out_of_the_path_and_on_pro_blocks_what_it_does_not_sign()
    {
        const string key = "k0123456789abcdef0123456789abcdef";
        var settings = OriginConfig.Load(StackConfig.With(StackConfig.ReadStackFile(Repo.ProdStack), "cloudflare.plan", "pro")).Valid;
        var pro = EdgePolicy.Build(settings);
        var free = EdgePolicy.Build(OriginConfig.Load(StackConfig.ReadStackFile(Repo.ProdStack)).Valid);
        var token = ViewerTokens.Issue(key, "7", Issued);

        var playlist = TimedHmac.Evaluate(pro, [key], $"/live/{token}/stream_7.m3u8", Issued + 1);
        Assert.Equal(new TimedHmac.EdgeVerdict(true, $"/live/stream_7.m3u8?channel=7&verify={token}"), playlist);
        var segment = TimedHmac.Evaluate(pro, [key], $"/live/{token}/stream_7_1764583200.ts", Issued + 1);
        Assert.Equal(new TimedHmac.EdgeVerdict(true, $"/live/stream_7_1764583200.ts?channel=7&verify={token}"), segment);

        Assert.False(TimedHmac.Evaluate(pro, [key], $"/live/{token}/stream_8.m3u8", Issued + 1).Allowed);      // another channel
        Assert.False(TimedHmac.Evaluate(pro, [key], "/live/stream_7.m3u8", Issued + 1).Allowed);               // no token
        // A token in the viewer's own query is no way round: the rewrite replaces the query of every playlist request.
        Assert.False(TimedHmac.Evaluate(pro, [key], $"/live/stream_7.m3u8?channel=7&verify={token}", Issued + 1).Allowed);
        Assert.False(TimedHmac.Evaluate(pro, [key], $"/live/{token}/stream_7.m3u8", Issued + 14_400).Allowed); // expired
        Assert.True(TimedHmac.Evaluate(pro, ["another-key-0123456789abcdefghijkl", key], $"/live/{token}/stream_7.m3u8", Issued + 1).Allowed);
        // Free: the same rewrite, no check at the edge; the origin gets what it must refuse itself.
        Assert.Equal(new TimedHmac.EdgeVerdict(true, "/live/stream_8.m3u8?channel=8&verify=" + token), TimedHmac.Evaluate(free, [key], $"/live/{token}/stream_8.m3u8", Issued + 1));
    }

    private static string Python(string code) => Run.Capture(Tools.Python, ["-c", code]).OrThrow("the documented generator").Stdout.Trim();
}
