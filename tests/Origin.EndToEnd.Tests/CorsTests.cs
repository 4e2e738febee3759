using System.Net;
using Origin.Box;
using Origin.Viewers;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// Players on other sites. The media host serves media only, so every page that embeds a player is another
/// origin, and hls.js reads the media with XHR: a response without Access-Control-Allow-Origin is a network
/// error to it, whatever its status.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class CorsTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;
    private const string SiteOrigin = "http://player.example.net";

    private static string? AllowOrigin(HttpResponseMessage r) =>
        r.Headers.TryGetValues("Access-Control-Allow-Origin", out var v) ? string.Join(",", v) : null;

    [Fact(Timeout = 60_000)]
    public async Task Every_media_answer_allows_any_origin_whatever_its_status()
    {
        var channel = await fixture.LiveChannel();
        var token = Box.DistinctToken(channel);
        var segment = Playlist.ReadFile(Box.PlaylistFile(channel))!.Segments[^1];
        var missing = segment[..segment.LastIndexOf('_')] + "_1.ts";
        var answers = new List<(string What, HttpResponseMessage Response)>();
        async Task Ask(string what, HttpMethod method, string url)
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Add("Origin", SiteOrigin);
            request.Headers.Add("CF-Connecting-IP", fixture.NewViewerIp());
            answers.Add((what, await Box.Edge.Send(request)));
        }
        await Ask("playlist", HttpMethod.Get, Box.PlaylistUrl(channel, token));
        await Ask("segment", HttpMethod.Get, Box.Media(segment, token));
        await Ask("no token", HttpMethod.Get, Box.PlaylistUrl(channel, null));
        await Ask("expired token", HttpMethod.Get, Box.Media(segment, Box.Token(channel, issuedAt: 1_000_000_000)));
        await Ask("missing segment", HttpMethod.Get, Box.Media(missing, token));
        await Ask("preflight", HttpMethod.Options, Box.Media(segment, token));
        await Ask("preflight without a token", HttpMethod.Options, Box.Media(segment, null));
        // Over the per-token limit (rate and burst), from different addresses: the limit's own answer.
        for (var i = 0; i <= Box.Settings.Nginx.RateLimits.PerTokenBurst + Box.Settings.Nginx.RateLimits.PerTokenRate; i++)
            await Ask("limited", HttpMethod.Get, Box.Media(segment, token));

        foreach (var (what, r) in answers.DistinctBy(a => (a.What, a.Response.StatusCode)))
            output.WriteLine($"{what}: {(int)r.StatusCode}, Access-Control-Allow-Origin {AllowOrigin(r) ?? "none"}");
        HttpStatusCode Status(string what) => answers.First(a => a.What == what).Response.StatusCode;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NoContent, HttpStatusCode.Forbidden],
            new[] { "playlist", "segment", "no token", "expired token", "missing segment", "preflight", "preflight without a token" }.Select(Status));
        Assert.Contains(answers, a => a.What == "limited" && (int)a.Response.StatusCode == Box.Settings.Nginx.RateLimits.Status);
        Assert.All(answers, a => Assert.True(AllowOrigin(a.Response) == "*", $"{a.What} ({(int)a.Response.StatusCode}) carries Access-Control-Allow-Origin: *"));
        // The preflight's own answer: any request header, remembered; the answers to GET carry neither.
        var preflight = answers.Single(a => a.What == "preflight").Response;
        Assert.Equal(("*", "7200"), (preflight.Headers.GetValues("Access-Control-Allow-Headers").Single(), preflight.Headers.GetValues("Access-Control-Max-Age").Single()));
        Assert.DoesNotContain(answers.Where(a => !a.What.StartsWith("preflight", StringComparison.Ordinal)), a => a.Response.Headers.Contains("Access-Control-Allow-Headers"));
        foreach (var (_, r) in answers) r.Dispose();
    }

    /// <summary>
    /// hls.js in Chromium on a page of another site (another host name and port) plays a cold channel through the
    /// edge, with no preflight; and a viewer of a warm one whose token runs out while it watches sees the 403 as a 403 (not a network
    /// error), loads the fresh URL the app gives it, and plays on.
    /// </summary>
    [Fact(Timeout = 150_000)]
    public async Task Hls_js_on_another_site_plays_and_recovers_from_an_expired_token()
    {
        var play = TimeSpan.FromSeconds(20);
        // A cold channel (its first playlist is the API's answer, through @start_stream) and a warm one.
        var (cold, channel) = (fixture.NewChannel(), await fixture.LiveChannel());
        await using var site = await PlayerSite.Start();
        await using var browser = await HlsJsPlayers.Launch(fixture.HostName, PlayerSite.HostName);
        var media = $"http://{fixture.HostName}:{fixture.EdgeStandIn.Port}";
        string Url(string token) => media + Box.ViewerPlaylistPath(channel, token);
        // nginx logs whole seconds: count from the next one, so no earlier request (the preflights of the test before) counts.
        var now = DateTimeOffset.UtcNow;
        var since = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        await Task.Delay(since - now);

        await using var steady = await browser.Open(site.Page, media + Box.ViewerPlaylistPath(cold, Box.Token(cold)));
        // A token with 8 s left, as a viewer's that was issued long ago; the app's fresh URL carries a new one.
        var expiring = Box.Token(channel, issuedAt: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - Box.Settings.Stream.TokenLifetime.Seconds + 8);
        var fresh = 0;
        await using var renewed = await browser.Open(site.Page, Url(expiring), () =>
        {
            Interlocked.Increment(ref fresh);
            return Task.FromResult(Url(Box.Token(channel)));
        });
        var records = await Audience.Watch([steady, renewed], play);
        output.WriteLine($"page on {site.Page}, media on {media}");
        output.WriteLine($"cold channel: {records[0]}");
        output.WriteLine($"token runs out: {records[1]}");

        var (steadyRecord, renewedRecord) = (records[0], records[1]);
        Assert.True(steadyRecord.FirstFrame is { } first && first < TimeSpan.FromSeconds(20) && steadyRecord.Played >= play, $"plays cross-site: {steadyRecord}");
        Assert.True(steadyRecord.Stalls.Count == 0, $"no stall: {steadyRecord}");
        Assert.DoesNotContain(steadyRecord.Errors, e => e.Contains("fatal", StringComparison.Ordinal));
        // The 403 reached the player as a 403, so the page asked the app for a fresh URL, and a frame played after it.
        Assert.Contains(renewedRecord.Errors, e => e.Contains(" 403", StringComparison.Ordinal));
        Assert.True(fresh >= 1 && renewedRecord.Recoveries is [{ FrameAfter: not null }, ..], $"recovers with a fresh URL: {renewedRecord}");
        // hls.js's requests are simple: no preflight reached the origin.
        var options = (await AccessLog.Read(Box)).Where(l => l.At >= since && l.Method == "OPTIONS").ToList();
        Assert.Empty(options);
    }
}
