using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Origin.Tokens;

/// <summary>
/// The viewer token: Cloudflare's <c>is_timed_hmac_valid_v0</c> format, so the edge's WAF rule, nginx
/// (njs) and the API check the same bytes. Documented at
/// https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#hmac-validation and, for
/// how a token is made, https://developers.cloudflare.com/waf/custom-rules/use-cases/configure-token-authentication/#hmac-token-generation:
/// mac = base64(HMAC-SHA256(key, message + timestamp)), the timestamp the 10-digit issue time, and the
/// MessageMAC <c>message + separator + timestamp + "-" + mac</c>.
/// <para>
/// The stack's choices within that format: the message is <c>channel=&lt;id&gt;</c> (a token covers
/// every file of one channel), the separator is <c>&amp;verify=</c>, and the mac is URL-safe base64
/// without padding (the function's flag "s"), so a token is 54 characters that need no escaping in a
/// path: <c>&lt;timestamp&gt;-&lt;43 characters of [A-Za-z0-9_-]&gt;</c>.
/// </para>
/// </summary>
public static partial class ViewerTokens
{
    /// <summary>The query parameter the edge's rewrite puts the token in, after the message.</summary>
    public const string Parameter = "verify";

    /// <summary>The query parameter that names the channel: the message the token signs.</summary>
    public const string ChannelParameter = "channel";

    /// <summary>Between message and timestamp in the MessageMAC; its length is the function's lengthOfSeparator.</summary>
    public const string Separator = "&" + Parameter + "=";

    /// <summary>The function's flags: the mac is URL-safe base64 with no padding.</summary>
    public const string Flags = "s";

    /// <summary>A token as it appears in a viewer's URL path.</summary>
    [GeneratedRegex("^[0-9]{10}-[A-Za-z0-9_-]{43}$")]
    public static partial Regex Pattern();

    /// <summary>What a token for the channel signs, with the timestamp appended.</summary>
    public static string Message(string channel) => $"{ChannelParameter}={channel}";

    /// <summary>The query string the edge's rewrite hands on: the whole MessageMAC the WAF rule checks.</summary>
    public static string Query(string channel, string token) => Message(channel) + Separator + token;

    /// <summary>A token for the channel issued at <paramref name="issuedAt"/> (Unix seconds), as the API issues it.</summary>
    public static string Issue(string key, string channel, long issuedAt)
    {
        if (issuedAt is < 1_000_000_000 or > 9_999_999_999) throw new ArgumentOutOfRangeException(nameof(issuedAt), "the format has a 10-digit timestamp");
        var timestamp = issuedAt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(Message(channel) + timestamp));
        return $"{timestamp}-{Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
    }
}
