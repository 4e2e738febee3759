using Origin.Edge;
using Origin.Settings;
using Origin.Tokens;
using Origin.Validation;

namespace Origin.Tests;

/// <summary>The viewer token is Cloudflare's is_timed_hmac_valid_v0 format, and the edge rule that checks it holds no key in the clear.</summary>
public class ViewerTokenTests
{
    private const string Key = "test-token-key-0123456789abcdefghij";

    [Fact]
    public void A_token_is_what_cloudflares_documented_generator_makes_in_the_url_safe_form()
    {
        // The Python 3.8 generator of https://developers.cloudflare.com/waf/custom-rules/use-cases/configure-token-authentication/#hmac-token-generation,
        // as documented, with the stack's message and a fixed time in place of time.time().
        const string generator = """
            import hmac
            import base64
            import time
            import urllib.parse
            from hashlib import sha256

            message = "channel=7"
            secret = "test-token-key-0123456789abcdefghij"
            separator = "verify"
            timestamp = str(int(1764583200))
            digest = hmac.new((secret).encode('utf8'), "{}{}".format(message, timestamp).encode('utf8'), sha256)
            token = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
            print("{}={}-{}".format(separator, timestamp, token))
            """;
        var documented = Tool.Succeed("python3", "-c", generator).Stdout.Trim();

        var token = ViewerTokens.Issue(Key, "7", 1_764_583_200);
        // The same MAC; flag "s" only changes its alphabet (- and _ for + and /) and drops the padding.
        var mac = Uri.UnescapeDataString(documented["verify=1764583200-".Length..]);
        Assert.StartsWith("verify=1764583200-", documented);
        Assert.Equal($"1764583200-{mac.TrimEnd('=').Replace('+', '-').Replace('/', '_')}", token);
        Assert.Matches(ViewerTokens.Pattern(), token);
        Assert.Equal("channel=7&verify=" + token, ViewerTokens.Query("7", token));
    }

    [Fact]
    public void The_token_rule_checks_the_rewritten_query_with_the_documented_arguments()
    {
        var rule = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=pro")).TokenCheck!;
        Assert.Equal(4 * 3600, rule.Lifetime);
        // lengthOfSeparator is the length of "&verify=", flag "s" the URL-safe unpadded mac.
        Assert.Equal("(http.host eq \"live.example.com\" and starts_with(http.request.uri.path, \"/live/\")) and not (" +
                     $"is_timed_hmac_valid_v0(\"{Key}\", http.request.uri.query, 14400, http.request.timestamp.sec, 8, \"s\"))",
            rule.Expression([Key]));
        Assert.Contains(" or is_timed_hmac_valid_v0(\"previous-key-0123456789abcdefghijklm\",", rule.Expression([Key, "previous-key-0123456789abcdefghijklm"]));
    }

    [Fact]
    public void The_policy_holds_placeholders_never_a_key()
    {
        var rule = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=pro")).TokenCheck!;
        Assert.Contains("is_timed_hmac_valid_v0(\"<secret origin:tokenSecret>\"", rule.Redacted(rotating: false));
        Assert.Contains("\"<secret origin:tokenSecretPrevious>\"", rule.Redacted(rotating: true));
        // A key that could close the string literal never reaches the expression.
        Assert.ThrowsAny<Exception>(() => rule.Expression(["0123456789abcdef0123456789abcdef\") or (true"]));
        Assert.Throws<ArgumentException>(() => rule.Expression([]));
    }

    [Fact]
    public void The_rewrites_take_the_token_out_of_the_path_for_playlists_and_segments()
    {
        var rewrites = EdgePolicy.Build(Stacks.Valid()).UrlRewrites;
        Assert.Equal(["playlist-token", "segment-token"], rewrites.Select(r => r.Ref));
        Assert.Equal("wildcard_replace(http.request.uri.path, \"/live/*/stream_*.m3u8\", \"/live/stream_${2}.m3u8\", \"s\")", rewrites[0].PathExpression);
        Assert.Equal("wildcard_replace(http.request.uri.path, \"/live/*/stream_*.m3u8\", \"channel=${2}&verify=${1}\", \"s\")", rewrites[0].QueryExpression);
        Assert.Equal("wildcard_replace(http.request.uri.path, \"/live/*/stream_*_*.ts\", \"/live/stream_${2}_${3}.ts\", \"s\")", rewrites[1].PathExpression);
        Assert.Contains("http.request.uri.path.extension eq \"ts\"", rewrites[1].Expression);
    }

    [Fact]
    public void The_free_plan_has_no_token_rule_and_must_be_accepted_explicitly()
    {
        Assert.Null(EdgePolicy.Build(Stacks.Valid()).TokenCheck);
        var message = FindingsAssert.ErrorAt(Stacks.Load("cloudflare.acceptUncheckedEdge=false"), "origin:cloudflare.acceptUncheckedEdge");
        Assert.Contains("served to anyone who asks for their URL, token or not", message);
        Assert.Contains("accepted: the edge cannot check viewer tokens", FindingsAssert.WarningAt(Stacks.Load(), "origin:cloudflare.acceptUncheckedEdge").Message);
        Assert.Contains("has no effect", FindingsAssert.WarningAt(Stacks.Load("cloudflare.plan=pro"), "origin:cloudflare.acceptUncheckedEdge").Message);
        FindingsAssert.NoErrors(Stacks.Load("cloudflare.plan=pro", "cloudflare.acceptUncheckedEdge=false"));
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("8d")]
    public void A_token_lifetime_outside_a_minute_to_a_week_is_refused(string lifetime) =>
        FindingsAssert.ErrorAt(Stacks.Load($"stream.tokenLifetime={lifetime}"), "origin:stream.tokenLifetime");

    [Theory]
    [InlineData("short-key")]
    [InlineData("a key with spaces and \"quotes\" 0123456789")]
    public void A_token_key_that_is_short_or_could_break_a_rule_is_refused_without_being_shown(string key)
    {
        var findings = new Findings();
        OriginSecrets.CheckTokenSecret(OriginSecrets.TokenSecretKey, key, findings);
        var error = Assert.Single(findings.Errors);
        Assert.Equal("origin:tokenSecret", error.Key);
        Assert.DoesNotContain(key, error.ToString());
    }
}
