using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Origin.Edge;

namespace Origin.EdgeStandIn;

/// <summary>
/// Cloudflare's edge, as far as viewer tokens go, from its documentation alone: the
/// <c>is_timed_hmac_valid_v0</c> function
/// (https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#hmac-validation), the
/// <c>wildcard_replace</c> rewrite (…/functions/#wildcard_replace) and the order of phases (https://developers.cloudflare.com/ruleset-engine/reference/phases-list/): URL rewrites,
/// then custom rules, which see the rewritten URI (https://developers.cloudflare.com/rules/transform/url-rewrite/,
/// "field values are immutable within each phase"), then the cache. It interprets the expressions of the
/// stack's <see cref="EdgePolicy"/> and refuses any form it does not know, so a changed rule cannot pass
/// unexamined. Independent of the stack's own token code on purpose: it is what that code is checked against.
/// </summary>
public static partial class TimedHmac
{
    /// <summary>
    /// <c>is_timed_hmac_valid_v0(key, messageMac, ttl, currentTimestamp, lengthOfSeparator, flags)</c>.
    /// The MessageMAC is message, separator, the 10-digit issue timestamp, "-", the base64 MAC of
    /// message + timestamp under HMAC-SHA256. With flags "s" the MAC is URL-safe base64 without padding
    /// (43 characters), otherwise URL-encoded standard base64. Valid while currentTimestamp &lt; timestamp + ttl.
    /// </summary>
    public static bool IsValidV0(string key, string messageMac, long ttl, long currentTimestamp, int lengthOfSeparator = 0, string flags = "")
    {
        // The documented shape, (.+)(.*)(\d{10})-(.{43,}), with the separator's length given.
        var m = MessageMacShape().Match(messageMac);
        if (!m.Success || m.Groups["head"].Length <= lengthOfSeparator) return false;
        var message = m.Groups["head"].Value[..^lengthOfSeparator];
        var timestamp = m.Groups["timestamp"].Value;
        var mac = flags.Contains('s') ? FromUrlSafeBase64(m.Groups["mac"].Value) : FromBase64(WebUtility.UrlDecode(m.Groups["mac"].Value));
        if (mac is null || currentTimestamp >= long.Parse(timestamp) + ttl) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message + timestamp));
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    /// <summary>What the edge does with a viewer's request.</summary>
    /// <param name="Allowed">False if the token rule blocks it (403 at the edge, before the cache).</param>
    /// <param name="OriginPathAndQuery">The rewritten URI: the cache key's path, and what the origin gets on a miss.</param>
    public sealed record EdgeVerdict(bool Allowed, string OriginPathAndQuery);

    /// <summary>
    /// The policy's URL rewrites and token rule for a request to the policy's host. A rewrite replaces the
    /// viewer's query string; a request no rewrite matches keeps its own. On the Free plan there is no
    /// token rule: everything is allowed at the edge, and only the origin checks.
    /// </summary>
    /// <param name="requestUri">Path and query, as http.request.uri.</param>
    public static EdgeVerdict Evaluate(EdgePolicy policy, IReadOnlyList<string> keys, string requestUri, long now)
    {
        var path = requestUri.Split('?', 2)[0];
        var (newPath, query) = (path, requestUri.Length > path.Length ? requestUri[(path.Length + 1)..] : "");
        // Filters see the original values; each rule's rewrite is its own (the two never match the same path).
        foreach (var rule in policy.UrlRewrites.Where(r => Matches(r.Expression, policy.RecordName, path)))
            (newPath, query) = (WildcardReplace(rule.PathExpression, path), WildcardReplace(rule.QueryExpression, path));
        if (policy.TokenCheck is not { } check || !Matches(check.Scope, policy.RecordName, newPath))
            return new(true, newPath + (query.Length > 0 ? "?" + query : ""));
        var allowed = TokenCalls(check.Scope, check.Expression(keys)).Any(call => IsValidV0(call.Key, query, call.Ttl, now, call.Separator, call.Flags));
        return new(allowed, newPath + "?" + query);
    }

    private sealed record Call(string Key, long Ttl, int Separator, string Flags);

    /// <summary>The rule is "scope and not (call or call)"; each call must read the rewritten query and the request's time.</summary>
    private static IReadOnlyList<Call> TokenCalls(string scope, string expression)
    {
        var calls = HmacCall().Matches(expression).Select(m => new Call(m.Groups["key"].Value, long.Parse(m.Groups["ttl"].Value), int.Parse(m.Groups["sep"].Value), m.Groups["flags"].Value)).ToList();
        var rebuilt = string.Join(" or ", HmacCall().Matches(expression).Select(m => m.Value));
        return calls.Count > 0 && expression == $"{scope} and not ({rebuilt})"
            ? calls
            : throw new NotSupportedException($"a token rule this stand-in does not know: {expression}");
    }

    /// <summary>A filter of the forms the policy writes: host, path prefix, and optionally one extension.</summary>
    private static bool Matches(string filter, string host, string path)
    {
        var m = Filter().Match(filter);
        if (!m.Success) throw new NotSupportedException($"a filter this stand-in does not know: {filter}");
        if (m.Groups["host"].Value != host || !path.StartsWith(m.Groups["prefix"].Value, StringComparison.Ordinal)) return false;
        return !m.Groups["ext"].Success || Path.GetExtension(path) == "." + m.Groups["ext"].Value;
    }

    /// <summary>wildcard_replace(http.request.uri.path, pattern, replacement, "s"): the whole path must match; each * lazily.</summary>
    private static string WildcardReplace(string expression, string path)
    {
        var m = WildcardCall().Match(expression);
        if (!m.Success) throw new NotSupportedException($"a rewrite this stand-in does not know: {expression}");
        var regex = "^" + string.Join("(.*?)", m.Groups["pattern"].Value.Split('*').Select(Regex.Escape)) + "$";
        var match = Regex.Match(path, regex, m.Groups["flags"].Value == "s" ? RegexOptions.None : RegexOptions.IgnoreCase);
        return match.Success ? Placeholder().Replace(m.Groups["replacement"].Value, p => match.Groups[int.Parse(p.Groups[1].Value)].Value) : path;
    }

    private static byte[]? FromUrlSafeBase64(string text) =>
        text.Length == 43 && UrlSafe().IsMatch(text) ? Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + "=") : null;

    private static byte[]? FromBase64(string text)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(text, bytes, out var n) && n == 32 ? bytes : null;
    }

    [GeneratedRegex(@"^(?<head>.+)(?<timestamp>\d{10})-(?<mac>.{43,})$", RegexOptions.Singleline)]
    private static partial Regex MessageMacShape();

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex UrlSafe();

    [GeneratedRegex(@"is_timed_hmac_valid_v0\(""(?<key>[^""\\]+)"", http\.request\.uri\.query, (?<ttl>[0-9]+), http\.request\.timestamp\.sec, (?<sep>[0-9]+), ""(?<flags>[a-z]*)""\)")]
    private static partial Regex HmacCall();

    [GeneratedRegex(@"^\(http\.host eq ""(?<host>[^""]+)"" and starts_with\(http\.request\.uri\.path, ""(?<prefix>[^""]+)""\)(?: and http\.request\.uri\.path\.extension eq ""(?<ext>[a-z0-9]+)"")?\)$")]
    private static partial Regex Filter();

    [GeneratedRegex(@"^wildcard_replace\(http\.request\.uri\.path, ""(?<pattern>[^""]+)"", ""(?<replacement>[^""]+)"", ""(?<flags>s?)""\)$")]
    private static partial Regex WildcardCall();

    [GeneratedRegex(@"\$\{([1-8])\}")]
    private static partial Regex Placeholder();
}
