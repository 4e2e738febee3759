using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>Each moving part killed outright; the origin recovers without anyone touching it.</summary>
[Collection(OriginCollection.Name)]
public sealed class RestartTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task A_killed_ffmpeg_is_forgotten_and_the_next_request_starts_the_channel_again()
    {
        var channel = await fixture.StartChannel();
        var killed = (await Box.FfmpegPid(channel))!.Value;
        Processes.Signal(killed, Processes.SigKill);
        await Poll.Until(async () => !File.Exists(Box.PlaylistFile(channel)) && await Box.FfmpegPid(channel) is null,
            TimeSpan.FromSeconds(10), "the API removes the dead channel's playlist and record");

        var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(Playlist.TryParse(body));
        var restarted = await Box.FfmpegPid(channel);
        Assert.NotNull(restarted);
        Assert.NotEqual(killed, restarted);
        Assert.True(Processes.IsAlive(restarted.Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_killed_redis_is_restarted_and_channels_start_again()
    {
        var (pid, restarts) = (Box.RedisServer.MainPid, Box.RedisServer.Restarts);
        Processes.Signal(pid, Processes.SigKill);
        await Poll.Until(async () => Box.RedisServer.Restarts > restarts && (string?)await Box.Redis.Call("PING") == "PONG",
            TimeSpan.FromSeconds(15), "Redis restarted (Restart=always)");

        // A channel nobody asked for: starting it makes the API record its stream in the restarted Redis.
        var channel = fixture.NewChannel();
        var (status, _) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(await Box.FfmpegPid(channel));
        output.WriteLine($"redis pid {pid} killed; restarted as {Box.RedisServer.MainPid}; a new channel starts and is recorded");
    }

    [Fact(Timeout = 90_000)]
    public async Task A_killed_api_leaves_no_frozen_playlist_and_the_next_request_starts_the_channel_again()
    {
        var channel = await fixture.StartChannel();
        var ffmpeg = (await Box.FfmpegPid(channel))!.Value;
        var (pid, restarts) = (Box.Api.MainPid, Box.Api.Restarts);
        // The whole service dies: gunicorn and, with its control group, the FFmpeg it started.
        Processes.Signal(-pid, Processes.SigKill);
        await Poll.Until(async () => Box.Api.Restarts > restarts && (await Box.Edge.GetText("/api/health", null)).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the API restarted (Restart=on-failure) and answers through nginx");
        Assert.False(Processes.IsAlive(ffmpeg));
        // ExecStopPost removed the playlist FFmpeg no longer updates: nginx cannot serve it frozen.
        Assert.False(File.Exists(Box.PlaylistFile(channel)), "a dead channel's playlist is still served");

        var (status, body) = await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(Playlist.TryParse(body));
        output.WriteLine($"API pid {pid} and FFmpeg {ffmpeg} killed; the channel started again under API pid {Box.Api.MainPid}");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_killed_nginx_worker_is_replaced_and_requests_keep_being_served()
    {
        var channel = await fixture.LiveChannel();
        var workers = Box.NginxWorkers();
        Assert.NotEmpty(workers);
        Processes.Signal(workers[0], Processes.SigKill);
        await Poll.Until(() => Box.NginxWorkers() is var now && now.Count == workers.Count && !now.Contains(workers[0]),
            TimeSpan.FromSeconds(10), "the master replaces its worker");
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.PlaylistUrl(channel, Box.Token(channel)), fixture.NewViewerIp())).Status);
    }
}
