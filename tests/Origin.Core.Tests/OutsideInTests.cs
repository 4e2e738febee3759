using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Origin.OutsideIn;
using Origin.Tokens;
using Xunit.Abstractions;

namespace Origin.Tests;

/// <summary>
/// The rendered prod nginx of each release, serving on loopback (127.0.0.1 and [::1]: it listens on both
/// families) a channel's playlist and segment from its HLS directory, scanned from outside with every probe of tests/Origin.OutsideIn/probes.txt: no answer without a
/// valid token is a 2xx or carries media. The same list runs against the loopback box and through the edge
/// stand-in in the end-to-end suite (OutsideInTests there).
/// </summary>
public class OutsideInTests(ITestOutputHelper output)
{
    private const string Channel = "7";
    private const string Segment = "1764583200";

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public async Task Nothing_is_served_without_a_valid_token_on_any_path(int release)
    {
        var results = await Scan(release, change: null);
        output.WriteLine(OutsideInScan.Report(results));
        Assert.True(results.All(r => r.Failure is null), OutsideInScan.Report(results));
    }

    /// <summary>The scan sees a hole of the kind it looks for: the config as it was, with the HLS directory the server's root and no `location /`.</summary>
    [Fact]
    public async Task The_scan_finds_media_served_from_a_server_level_root()
    {
        var hls = default(string);
        var results = await Scan(12, conf =>
        {
            hls = Regex.Match(conf, @"root (\S+);").Groups[1].Value;
            var withoutCatchAll = Regex.Replace(conf, @"\n        location / \{\n.*?\n        \}\n", "\n", RegexOptions.Singleline);
            return withoutCatchAll.Replace("        proxy_http_version 1.1;", $"        root {hls};\n        proxy_http_version 1.1;");
        });
        Assert.EndsWith(RenderedNginx.HlsDir, hls);
        var failed = results.Where(r => r.Failure is not null).ToList();
        output.WriteLine(OutsideInScan.Report(results));
        Assert.Contains(failed, r => r.Probe.Target == $"/stream_{Channel}.m3u8" && r.Probe.Method == "GET");
        Assert.Contains(failed, r => r.Probe.Target == $"/live/%2e%2e/stream_{Channel}_{Segment}.ts".Replace("%2e%2e", "%2E%2E") && r.Probe.Method == "HEAD");
    }

    private async Task<IReadOnlyList<ProbeResult>> Scan(int release, Func<string, string>? change)
    {
        var settings = Stacks.Valid($"host.release={release}");
        using var nginx = new RenderedNginx(release, Stacks.ProdPlan($"host.release={release}"), change);
        var playlist = $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2.000000,\nstream_{Channel}_{Segment}.ts\n";
        nginx.WriteMedia($"stream_{Channel}.m3u8", Encoding.ASCII.GetBytes(playlist));
        nginx.WriteMedia($"stream_{Channel}_{Segment}.ts", TsPackets(8));
        using var served = nginx.Serve(settings.Nginx.StatusPort);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var host = settings.Cloudflare.Record!.Value;
        var values = new ProbeValues(host, Channel, Segment, "8",
            TokenOther: ViewerTokens.Issue(RenderedNginx.TokenKey, "8", now),
            TokenExpired: ViewerTokens.Issue(RenderedNginx.TokenKey, Channel, now - settings.Stream.TokenLifetime.Seconds - 1),
            TokenForged: ViewerTokens.Issue("a-key-the-origin-does-not-have-0123456789", Channel, now));
        var probes = Probes.Load(values, settings.Hls.UrlPrefix.Value, settings.Hls.PlaylistPrefix.Value);

        // The origin serves this channel's media with its token, over IPv4 and IPv6: the scan looks at files nginx can read.
        var valid = ViewerTokens.Query(Channel, ViewerTokens.Issue(RenderedNginx.TokenKey, Channel, now));
        foreach (var endpoint in new[] { served.Http, served.HttpV6 })
        foreach (var file in new[] { $"stream_{Channel}.m3u8", $"stream_{Channel}_{Segment}.ts" })
        {
            var answer = await RawHttp.Send(endpoint, "GET", $"/live/{file}?{valid}", host);
            Assert.True(answer.Status == 200 && OutsideInScan.MediaIn(answer.Body) is not null, $"GET /live/{file} with its token on {endpoint}: {answer.Status}");
        }
        // Over IPv4 each probe from its own loopback address, so nginx's per-address limit answers none of them;
        // over IPv6 from [::1] (its limits apply after the token check, which every probe fails).
        var v4 = await OutsideInScan.Run(served.Http, probes, host, i => IPAddress.Parse($"127.77.{i / 250}.{i % 250 + 1}"));
        var v6 = await OutsideInScan.Run(served.HttpV6, probes, host);
        return [.. v4, .. v6];
    }

    /// <summary>MPEG-TS packets: the sync byte 0x47 every 188 bytes.</summary>
    private static byte[] TsPackets(int count)
    {
        var bytes = new byte[188 * count];
        for (var i = 0; i < count; i++) bytes[i * 188] = 0x47;
        return bytes;
    }
}
