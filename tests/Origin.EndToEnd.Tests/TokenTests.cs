using Origin.EdgeStandIn;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using Origin.Box;
using Origin.Edge;
using Origin.Settings;
using Origin.Tokens;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// Viewer tokens (Cloudflare's is_timed_hmac_valid_v0 format) checked by nginx itself on every playlist and
/// segment request, with no call to the API or Redis, before anything is served or started.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class TokenTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task A_token_for_the_channel_is_served_its_playlist_and_segments()
    {
        var channel = await fixture.LiveChannel();
        var token = Box.Token(channel);
        var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, token), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        var playlist = Playlist.TryParse(body);
        Assert.NotNull(playlist);
        Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.Media(playlist.Segments[^1], token), fixture.NewViewerIp())).Status);
    }

    /// <summary>The ways a token is wrong (see <see cref="Refused"/>).</summary>
    public static TheoryData<string> Refusals => ["missing", "expired", "for another channel", "signed with another key", "tampered"];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Refusals))]
    [InlineData("not a token")]
    public async Task A_refused_token_gets_403_and_starts_nothing(string kind)
    {
        var channel = fixture.NewChannel();
        var (status, _) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Refused(kind, channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.Forbidden, status);
        await AssertNothingStarted(channel);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Refusals))]
    public async Task A_segment_of_a_live_channel_is_refused_without_a_valid_token_for_it(string kind)
    {
        var channel = await fixture.LiveChannel();
        var segment = Playlist.ReadFile(Box.PlaylistFile(channel))!.Segments[^1];
        Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.Media(segment, Box.Token(channel)), fixture.NewViewerIp())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Box.Edge.GetText(Box.Media(segment, Refused(kind, channel)), fixture.NewViewerIp())).Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_token_expires_after_the_lifetime_exactly_as_cloudflare_computes_it()
    {
        // Valid while now < issued + lifetime: one second inside is served, the boundary is not.
        var channel = await fixture.LiveChannel();
        var lifetime = Box.Settings.Stream.TokenLifetime.Seconds;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var inside = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel, issuedAt: now - lifetime + 5)), fixture.NewViewerIp());
        var outside = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel, issuedAt: now - lifetime)), fixture.NewViewerIp());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (inside.Status, outside.Status));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_api_itself_refuses_a_start_without_a_valid_token()
    {
        var channel = fixture.NewChannel();
        var forged = Box.Token(channel, key: "a-key-the-origin-does-not-have-0123456789");
        var (status, _) = await Box.ApiDirect.GetText($"/channel/{channel}/start?{ViewerTokens.Query(channel, forged)}", null);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        await AssertNothingStarted(channel);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_token_the_api_issues_passes_the_edge_rule_and_starts_the_channel_at_the_origin()
    {
        // The API (Python) issues, the edge stand-in evaluates the Pro plan's rule, nginx (Perl) checks:
        // three implementations of the one documented format.
        var channel = fixture.NewChannel();
        var (issued, json) = await Box.ApiDirect.PostText($"/token/{channel}");
        Assert.Equal(HttpStatusCode.OK, issued);
        var issuedJson = JsonDocument.Parse(json).RootElement;
        var viewerPath = issuedJson.GetProperty("playlist").GetString()!;
        Assert.Equal(Box.ViewerPlaylistPath(channel, issuedJson.GetProperty("token").GetString()!), viewerPath);
        var pro = EdgePolicy.Build(Box.Settings with { Cloudflare = Box.Settings.Cloudflare with { Plan = CloudflarePlan.Pro } });
        var verdict = TimedHmac.Evaluate(pro, [Box.TokenKey, Box.TokenKeyPrevious], viewerPath, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        output.WriteLine($"viewer asks for {viewerPath}; the edge passes {verdict.OriginPathAndQuery}");

        Assert.True(verdict.Allowed);
        var (status, body) = await Box.Edge.GetText(verdict.OriginPathAndQuery, fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        // Its segments, resolved against the viewer's URL, carry the token through the edge too.
        var segment = new Uri(new Uri("https://edge" + viewerPath), Playlist.TryParse(body)!.Segments[^1]).AbsolutePath;
        var segmentVerdict = TimedHmac.Evaluate(pro, [Box.TokenKey], segment, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(segmentVerdict.Allowed);
        Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(segmentVerdict.OriginPathAndQuery, fixture.NewViewerIp())).Status);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_key_rotation_keeps_every_current_viewer_playing()
    {
        var (oldKey, newKey) = (Box.TokenKey, "the-key-rotated-in-0123456789abcdefghij");
        var channel = fixture.NewChannel();
        var before = Box.Token(channel, key: oldKey);
        await Box.StartChannel(channel, fixture.NewViewerIp());
        var ffmpeg = await Box.FfmpegPid(channel);
        try
        {
            // Rotation: the new key issues, the old one still verifies (tokenSecret=new, tokenSecretPrevious=old).
            await Box.RotateTokenKeys(newKey, oldKey);
            var after = Box.Token(channel, key: newKey);
            await Poll.Until(async () => (await Box.Edge.GetText(Box.PlaylistUrl(channel, after), fixture.NewViewerIp())).Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(10), "nginx reloads with the new key");
            var (issued, json) = await Box.ApiDirect.PostText($"/token/{channel}");
            Assert.Equal(HttpStatusCode.OK, issued);
            var apiToken = JsonDocument.Parse(json).RootElement.GetProperty("token").GetString()!;
            Assert.True(TimedHmac.IsValidV0(newKey, ViewerTokens.Query(channel, apiToken), 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ViewerTokens.Separator.Length, "s"),
                "the API issues with the new key without a restart");
            for (var i = 0; i < 3; i++)
            {
                var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, before), fixture.NewViewerIp());
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.Media(Playlist.TryParse(body)!.Segments[^1], before), fixture.NewViewerIp())).Status);
                await Task.Delay(TimeSpan.FromSeconds(Box.Hls.SegmentSeconds));
            }
            Assert.Equal(ffmpeg, await Box.FfmpegPid(channel));

            // The rotation ends (tokenSecretPrevious removed): the old key's tokens stop, the new ones play on.
            await Box.RotateTokenKeys(newKey, null);
            await Poll.Until(async () => (await Box.Edge.GetText(Box.PlaylistUrl(channel, before), fixture.NewViewerIp())).Status == HttpStatusCode.Forbidden,
                TimeSpan.FromSeconds(10), "nginx reloads without the old key");
            Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.PlaylistUrl(channel, after), fixture.NewViewerIp())).Status);
        }
        finally
        {
            await Box.RotateTokenKeys(Box.TokenKey, Box.TokenKeyPrevious);
            await Poll.Until(async () => (await Box.Edge.GetText(Box.PlaylistUrl(channel, before), fixture.NewViewerIp())).Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(10), "nginx back on the box's keys");
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Tokens_of_the_previous_key_play_while_it_is_configured()
    {
        var channel = await fixture.LiveChannel();
        var (status, _) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel, key: Box.TokenKeyPrevious)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private string? Refused(string kind, string channel)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = Box.Token(channel);
        return kind switch
        {
            "missing" => null,
            "expired" => Box.Token(channel, issuedAt: now - Box.Settings.Stream.TokenLifetime.Seconds - 1),
            "for another channel" => Box.Token(fixture.NewChannel()),
            "signed with another key" => Box.Token(channel, key: "a-key-the-origin-does-not-have-0123456789"),
            // One character inside the mac changed: still the token's shape, no longer its signature. (Not the
            // last one: two of its bits are padding, which a base64 decoder may ignore.)
            "tampered" => valid[..^10] + (valid[^10] == 'A' ? 'B' : 'A') + valid[^9..],
            _ => "tnever-issued",
        };
    }

    private async Task AssertNothingStarted(string channel)
    {
        // A start records its FFmpeg within milliseconds; give a wrong one time to show.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(await Box.FfmpegPid(channel));
        Assert.Empty(Processes.WithArguments(Box.PlaylistFile(channel)));
        Assert.Empty(Directory.GetFiles(Box.HlsDir, $"{Box.Hls.PlaylistPrefix}{channel}.*"));
        Assert.Empty(Directory.GetFiles(Box.HlsDir, $"{Box.Hls.PlaylistPrefix}{channel}_*"));
    }
}
