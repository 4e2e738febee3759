using System.Net;
using Origin.Box;
using Origin.Edge;
using Origin.EdgeStandIn;
using Origin.OutsideIn;
using Origin.Settings;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// The running origin as the internet sees it: every probe of tests/Origin.OutsideIn/probes.txt (the list the
/// core's real-tool tests send to the rendered nginx) sent to the loopback box, and through the edge stand-in in
/// front of it, for a running channel's media. No answer is a 2xx or carries media.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class OutsideInTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 120_000)]
    public async Task Nothing_of_a_running_channel_is_served_without_a_valid_token_by_the_origin()
    {
        var (channel, probes) = await Running();
        // As from the edge: nginx takes the viewer's address from CF-Connecting-IP, one address a probe. On both
        // address families it listens on (Cloudflare connects over IPv6 to an origin with an AAAA record).
        var results = new List<ProbeResult>();
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
            results.AddRange(await OutsideInScan.Run(new IPEndPoint(address, Box.Ports.Http), probes, fixture.HostName,
                headers: _ => new Dictionary<string, string> { ["CF-Connecting-IP"] = fixture.NewViewerIp() }));
        AssertNothingServed(results, channel);
    }

    /// <summary>The stack's edge as committed (Free: no token rule), for a channel whose media it holds nothing of yet.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Nothing_of_a_running_channel_is_served_without_a_valid_token_through_the_edge()
    {
        var (channel, probes) = await Running();
        var results = await OutsideInScan.Run(new IPEndPoint(IPAddress.Loopback, fixture.EdgeStandIn.Port), probes, fixture.HostName,
            from: _ => IPAddress.Parse(fixture.NewLoopbackViewer()));
        AssertNothingServed(results, channel);
    }

    /// <summary>On Pro the edge checks tokens before its cache: a channel a viewer has just watched through it, its
    /// playlist and segment cached, is still not served to the probes.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Nothing_a_viewer_cached_at_a_pro_edge_is_served_without_a_valid_token()
    {
        var (channel, probes) = await Running();
        var pro = EdgePolicy.Build(Box.Settings with { Cloudflare = Box.Settings.Cloudflare with { Plan = CloudflarePlan.Pro } });
        await using var edge = await EdgeServer.Start(pro, new Uri($"http://127.0.0.1:{Box.Ports.Http}"),
            new EdgeOptions { TokenKeys = [Box.TokenKey, Box.TokenKeyPrevious] });
        using (var viewer = fixture.Viewer(fixture.NewLoopbackViewer(), edge))
        {
            var token = Box.Token(channel);
            using var playlist = await viewer.Get(Box.ViewerPlaylistPath(channel, token));
            var segment = Playlist.TryParse(await playlist.Content.ReadAsStringAsync())!.Segments[^1];
            using var media = await viewer.Get($"{Box.Hls.UrlPrefix}{token}/{segment}");
            using var again = await viewer.Get($"{Box.Hls.UrlPrefix}{Box.Token(channel)}/{segment}");
            Assert.Equal("HIT", again.Headers.GetValues("CF-Cache-Status").Single());
        }
        var results = await OutsideInScan.Run(new IPEndPoint(IPAddress.Loopback, edge.Port), probes, fixture.HostName,
            from: _ => IPAddress.Parse(fixture.NewLoopbackViewer()));
        AssertNothingServed(results, channel);
    }

    /// <summary>A channel started at the origin (not through the edge), its newest segment, and the probes for both.</summary>
    private async Task<(string Channel, IReadOnlyList<Probe> Probes)> Running()
    {
        var channel = await fixture.StartChannel();
        var segment = Playlist.ReadFile(Box.PlaylistFile(channel))!.Segments[^1];
        var number = Path.GetFileNameWithoutExtension(segment)[(Box.Hls.PlaylistPrefix.Value.Length + channel.Length + 1)..];
        var other = fixture.NewChannel();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var values = new ProbeValues(fixture.HostName, channel, number, other,
            TokenOther: Box.Token(other),
            TokenExpired: Box.Token(channel, issuedAt: now - Box.Settings.Stream.TokenLifetime.Seconds - 1),
            TokenForged: Box.Token(channel, key: "a-key-the-origin-does-not-have-0123456789"));
        // The media the probes aim at is there and served with a token, over IPv4 and IPv6.
        var (status, _) = await Box.Edge.GetText(Box.Media(segment, Box.Token(channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        var overV6 = await RawHttp.Send(new IPEndPoint(IPAddress.IPv6Loopback, Box.Ports.Http), "GET", Box.Media(segment, Box.Token(channel)), fixture.HostName);
        Assert.True(overV6.Status == 200 && OutsideInScan.MediaIn(overV6.Body) is not null, $"the segment over [::1]: {overV6.Status}");
        return (channel, Probes.Load(values, Box.Hls.UrlPrefix.Value, Box.Hls.PlaylistPrefix.Value));
    }

    private void AssertNothingServed(IReadOnlyList<ProbeResult> results, string channel)
    {
        output.WriteLine($"channel {channel}: {OutsideInScan.Report(results)}");
        Assert.True(results.All(r => r.Failure is null), OutsideInScan.Report(results));
    }
}
