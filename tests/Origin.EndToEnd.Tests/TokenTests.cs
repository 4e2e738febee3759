using System.Net;
using Origin.Box;

namespace Origin.EndToEnd.Tests;

/// <summary>Tokens are checked (auth_request to the API, which reads Redis) before anything is served or started.</summary>
[Collection(OriginCollection.Name)]
public sealed class TokenTests(OriginFixture fixture)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task A_token_for_every_channel_or_for_this_channel_is_served()
    {
        var channel = await fixture.LiveChannel();
        foreach (var scope in new[] { "*", channel })
        {
            var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, await Box.NewToken(scope)), fixture.NewViewerIp());
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.NotNull(Playlist.TryParse(body));
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("missing")]
    [InlineData("unknown")]
    [InlineData("expired")]
    [InlineData("for another channel")]
    public async Task A_refused_token_gets_403_and_starts_nothing(string token)
    {
        var channel = fixture.NewChannel();
        var value = token switch
        {
            "missing" => null,
            "unknown" => "tnever-issued",
            "expired" => await Expired(),
            _ => await Box.NewToken(scope: fixture.NewChannel()),
        };
        var (status, _) = await Box.Edge.GetText(Box.PlaylistUrl(channel, value), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.Forbidden, status);
        await AssertNothingStarted(channel);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_api_itself_refuses_a_start_without_a_valid_token()
    {
        var channel = fixture.NewChannel();
        var (status, _) = await Box.ApiDirect.GetText($"/channel/{channel}/start?{Box.TokenParam}=tnever-issued", null);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        await AssertNothingStarted(channel);
    }

    /// <summary>A token that existed and whose TTL ran out.</summary>
    private async Task<string> Expired()
    {
        var token = await Box.NewToken(ttl: TimeSpan.FromMilliseconds(300));
        await Poll.Until(async () => !await Box.Redis.Exists($"token:{token}"), TimeSpan.FromSeconds(5), "the token's TTL runs out");
        return token;
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
