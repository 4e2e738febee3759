using System.Diagnostics;
using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// Limits key on the viewer, not on the edge: every request comes from loopback (the "edge"), and
/// only CF-Connecting-IP and the token tell viewers apart (AUDIT-NOTES #4).
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class RateLimitTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;
    private Origin.Settings.RateLimitSettings Limits => Box.Settings.Nginx.RateLimits;
    private HttpStatusCode Limited => (HttpStatusCode)Limits.Status;

    [Fact(Timeout = 60_000)]
    public async Task Two_viewers_behind_the_same_edge_are_limited_separately_by_their_real_address()
    {
        var channel = await fixture.LiveChannel();
        var (flooder, neighbour) = (fixture.NewViewerIp(), fixture.NewViewerIp());
        var floods = 2 * (Limits.PerIpBurst + 1);
        // The neighbour asks once for every five of the flooder's requests, far below its own limit. Every
        // token serves no more requests than its own burst allows, so only the per-address limit can answer.
        var requests = Enumerable.Range(0, floods).SelectMany(i => i % 5 == 4 ? [flooder, neighbour] : new[] { flooder }).ToList();
        var tokens = new List<string>();
        for (var i = 0; i < requests.Count; i += Limits.PerTokenBurst) tokens.Add(Box.DistinctToken(channel));

        var (statuses, elapsed) = await Send(requests.Select((viewer, i) => (Box.PlaylistUrl(channel, tokens[i / Limits.PerTokenBurst]), viewer)));
        var (ok, limited) = Count(statuses, flooder);
        output.WriteLine($"one address, {floods} requests in {elapsed.TotalSeconds:F2} s: {ok} served, {limited} limited; " +
                         $"its neighbour behind the same edge: {Count(statuses, neighbour).Ok} of {requests.Count - floods} served");
        AssertLimitedAt(ok, limited, floods, Limits.PerIpBurst, Limits.PerIpRate, elapsed);
        Assert.All(statuses.Where(s => s.Viewer == neighbour), s => Assert.Equal(HttpStatusCode.OK, s.Status));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_token_is_limited_on_its_own_from_whatever_address_uses_it()
    {
        var channel = await fixture.LiveChannel();
        var (first, second) = (fixture.NewViewerIp(), fixture.NewViewerIp());
        var (shared, other) = (Box.DistinctToken(channel), Box.DistinctToken(channel));
        var floods = 2 * (Limits.PerTokenBurst + 1);

        // Two addresses take turns with one token: together they get what the token may have.
        var (statuses, elapsed) = await Send(Enumerable.Range(0, floods).Select(i => (Box.PlaylistUrl(channel, shared), i % 2 == 0 ? first : second)));
        var ok = statuses.Count(s => s.Status == HttpStatusCode.OK);
        output.WriteLine($"one token from two addresses, {floods} requests in {elapsed.TotalSeconds:F2} s: {ok} served");
        AssertLimitedAt(ok, floods - ok, floods, Limits.PerTokenBurst, Limits.PerTokenRate, elapsed);
        Assert.True(Count(statuses, first).Limited > 0 && Count(statuses, second).Limited > 0, "both addresses are refused the spent token");

        // The addresses themselves, well within their own limit, are not.
        Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.PlaylistUrl(channel, other), first)).Status);

        // Whoever reads nginx's error log learns no token from the refusals (an error line carries the request line).
        var errors = File.Exists(Box.Root["/var/log/nginx/error.log"]) ? await File.ReadAllTextAsync(Box.Root["/var/log/nginx/error.log"]) : "";
        Assert.DoesNotContain(shared, errors, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_starts_are_limited_per_viewer_address()
    {
        // limit_conn, not limit_req: nginx evaluates limit_req once per request, in the playlist location,
        // and would never run it again in @start_stream. A start takes seconds, so concurrency caps it.
        var (viewer, other) = (fixture.NewViewerIp(), fixture.NewViewerIp());
        var channels = Enumerable.Range(0, Limits.ConcurrentStartsPerIp + 1).Select(_ => fixture.NewChannel()).ToList();
        var starts = channels.Select(async c => (Channel: c, Response: await Box.Edge.Get(Box.PlaylistUrl(c, Box.Token(c)), viewer))).ToList();
        var otherChannel = fixture.NewChannel();
        var otherStart = Box.Edge.GetText(Box.PlaylistUrl(otherChannel, Box.Token(otherChannel)), other);

        var results = await Task.WhenAll(starts);
        output.WriteLine(string.Join(", ", results.Select(r => $"channel {r.Channel}: {(int)r.Response.StatusCode}")));
        Assert.Equal(Limits.ConcurrentStartsPerIp, results.Count(r => r.Response.StatusCode == HttpStatusCode.OK));
        var refused = Assert.Single(results, r => r.Response.StatusCode == Limited);
        Assert.Null(await Box.FfmpegPid(refused.Channel));
        // A refused start, from @start_stream, is no playlist for the edge to keep.
        CacheHeaderTests.AssertNoStore(refused.Response);
        foreach (var (_, response) in results) response.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await otherStart).Status);
    }

    /// <summary>One request after the other, as fast as they come back.</summary>
    private async Task<(List<(string Viewer, HttpStatusCode Status)> Statuses, TimeSpan Elapsed)> Send(IEnumerable<(string Url, string Viewer)> requests)
    {
        var statuses = new List<(string, HttpStatusCode)>();
        var clock = Stopwatch.StartNew();
        foreach (var (url, viewer) in requests) statuses.Add((viewer, (await Box.Edge.GetText(url, viewer)).Status));
        Assert.All(statuses, s => Assert.True(s.Item2 == HttpStatusCode.OK || s.Item2 == Limited, $"status {(int)s.Item2}"));
        return (statuses, clock.Elapsed);
    }

    private (int Ok, int Limited) Count(List<(string Viewer, HttpStatusCode Status)> statuses, string viewer) =>
        (statuses.Count(s => s.Viewer == viewer && s.Status == HttpStatusCode.OK), statuses.Count(s => s.Viewer == viewer && s.Status == Limited));

    /// <summary>nodelay: burst + 1 pass at once, then one per 1/rate; everything beyond gets the limit status.</summary>
    private static void AssertLimitedAt(int ok, int limited, int requests, int burst, int rate, TimeSpan elapsed)
    {
        Assert.Equal(requests, ok + limited);
        Assert.InRange(ok, burst + 1, burst + 2 + (int)Math.Ceiling(rate * elapsed.TotalSeconds));
        Assert.True(limited > 0);
    }
}
