using System.Diagnostics;
using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// A channel whose live source stops sending, with the connection left open (an upstream that hung): FFmpeg gives up
/// after hls.sourceTimeoutSeconds (-rw_timeout), the API drops the channel, and once the source sends again the next
/// viewer request starts it afresh. OriginChannelStalled fires meanwhile and stays on after the playlist is gone (the
/// collector's record of the channel), until the channel plays again. Its own origin, whose channels play a live HTTP
/// source the test controls, with monitoring's short test intervals.
/// </summary>
public sealed class StalledSourceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SourceSeconds = 90;
    private LiveSource _source = null!;
    private OriginBox _box = null!;
    private int _viewers;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"origin-live-source-{Environment.ProcessId}.ts");
        TestSource.Generate(file, keyframeSeconds: 2, bitrateKbps: 1000, seconds: SourceSeconds);
        _source = LiveSource.Start(file, SourceSeconds);
        File.Delete(file);
        _box = await OriginBox.Start(overrides: OriginFixture.ShortMonitoringIntervals, channelSource: _source.Url);
    }

    public async Task DisposeAsync()
    {
        if (_box is not null) await _box.DisposeAsync();
        if (_source is not null) await _source.DisposeAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_channel_whose_source_stalls_ends_alerts_until_it_plays_and_plays_again_within_the_bound_once_the_source_is_back()
    {
        await using var monitoring = await BoxMonitoring.Start(_box);
        var hls = _box.Hls;
        var timeout = TimeSpan.FromSeconds(hls.SourceTimeoutSeconds);
        // The bound stated for recovery once the source sends again: an FFmpeg that started during the stall gives up on
        // it within the source timeout, and a fresh start answers when the playlist lists hls.startSegments segments
        // (one segment period each, plus one for FFmpeg's start).
        var bound = timeout + TimeSpan.FromSeconds(hls.SegmentSeconds * (hls.StartSegments + 1));
        const string channel = "77";
        await _box.StartChannel(channel, NewViewer());
        var pid = await _box.FfmpegPid(channel) ?? throw new Xunit.Sdk.XunitException("no FFmpeg recorded for the started channel");
        var before = await Playing(channel) ?? throw new Xunit.Sdk.XunitException("the started channel serves no playlist");

        await Poll.Until(async () => (await monitoring.Query($"origin_hls_channel_progress_timestamp_seconds{{channel=\"{channel}\"}}")).Count == 1,
            TimeSpan.FromSeconds(15), $"channel {channel} recorded by the collector (collector: {monitoring.LastCollectorError ?? "ok"})");
        Assert.DoesNotContain(await monitoring.Alerts(), a => a.Labels.GetValueOrDefault("channel") == channel);

        _source.Stall();
        var clock = Stopwatch.StartNew();
        // Viewers keep asking for the channel (every 2 s, none waiting for the last), as players retry.
        using var viewersLeave = new CancellationTokenSource();
        var asking = Ask(channel, viewersLeave.Token);
        await Poll.Until(() => !Processes.IsAlive(pid), timeout + TimeSpan.FromSeconds(5), $"FFmpeg (pid {pid}) gives up on the stalled source within {timeout.TotalSeconds} s");
        var ended = clock.Elapsed;
        await Poll.Until(() => !File.Exists(_box.PlaylistFile(channel)), TimeSpan.FromSeconds(3), "the API drops the ended channel's playlist");
        Assert.True(ended >= timeout - TimeSpan.FromSeconds(1), $"FFmpeg ended {ended.TotalSeconds:F1} s into the stall, before the source timeout");
        // While the source sends nothing, nginx serves no stale playlist: a request goes to the start.
        Assert.Null(Playlist.ReadFile(_box.PlaylistFile(channel)));
        await Poll.Until(async () => await Stalled(monitoring, channel) == "firing", TimeSpan.FromSeconds(30),
            $"OriginChannelStalled fires for channel {channel} (collector: {monitoring.LastCollectorError ?? "ok"})");
        var fired = clock.Elapsed;
        // And it stays on with the playlist gone, however long the source stays down.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.False(File.Exists(_box.PlaylistFile(channel)), "the stalled channel has a playlist again");
        Assert.Equal("firing", await Stalled(monitoring, channel));
        var stillFiring = clock.Elapsed;

        _source.Resume();
        clock.Restart();
        Playlist? after = null;
        while (after is null)
        {
            Assert.True(clock.Elapsed < bound + TimeSpan.FromSeconds(10), $"channel {channel} not playing {clock.Elapsed.TotalSeconds:F0} s after its source came back");
            after = await Playing(channel);
            if (after is null) await Task.Delay(500);
        }
        var recovered = clock.Elapsed;
        await viewersLeave.CancelAsync();
        await asking;
        await Poll.Until(async () => await Stalled(monitoring, channel) is null, TimeSpan.FromSeconds(20), "OriginChannelStalled clears once the channel plays");
        var cleared = clock.Elapsed;
        // Playing, not just listed: the live window moves on.
        await Task.Delay(TimeSpan.FromSeconds(hls.SegmentSeconds * 2));
        var later = await Playing(channel) ?? throw new Xunit.Sdk.XunitException("the restarted channel stopped serving");
        output.WriteLine($"channel {channel}: FFmpeg ended {ended.TotalSeconds:F1} s after its source stalled (source timeout {timeout.TotalSeconds} s); " +
                         $"OriginChannelStalled fired {fired.TotalSeconds:F1} s into the stall and was still firing at {stillFiring.TotalSeconds:F1} s with no playlist; " +
                         $"playing again {recovered.TotalSeconds:F1} s after the source came back (bound {bound.TotalSeconds} s), alert cleared at {cleared.TotalSeconds:F1} s; " +
                         $"newest segment {before.Segments[^1]} before, {after.Segments[^1]} then {later.Segments[^1]}; {_source.Connections} source connections");
        Assert.True(recovered <= bound, $"playing again {recovered.TotalSeconds:F1} s after the source came back; the bound is {bound.TotalSeconds} s");
        Assert.True(after.Segments.Count >= hls.StartSegments);
        // A fresh playlist grows to hls.listSize before its media sequence moves: compare the newest segment.
        Assert.True(later.Segments[^1] != after.Segments[^1], $"the restarted channel lists no new segment: {after.Segments[^1]} still the newest");
        Assert.NotEqual(pid, await _box.FfmpegPid(channel));
    }

    /// <summary>The state of OriginChannelStalled for the channel: "pending", "firing", or null.</summary>
    private static async Task<string?> Stalled(BoxMonitoring monitoring, string channel) =>
        (await monitoring.Alerts()).FirstOrDefault(a => a.Name == "OriginChannelStalled" && a.Labels.GetValueOrDefault("channel") == channel).State;

    /// <summary>A playlist request every 2 s until cancelled, each left to finish on its own (a start may wait for its timeout).</summary>
    private async Task Ask(string channel, CancellationToken leave)
    {
        var requests = new List<Task>();
        while (!leave.IsCancellationRequested)
        {
            requests.Add(_box.Edge.GetText(_box.PlaylistUrl(channel, _box.DistinctToken(channel)), NewViewer()));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), leave);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        try
        {
            await Task.WhenAll(requests);
        }
        catch (HttpRequestException)
        {
            // a viewer's failure is not what this measures
        }
    }

    /// <summary>The channel's playlist as a viewer's edge gets it now, if nginx or a start answers 200 with one.</summary>
    private async Task<Playlist?> Playing(string channel)
    {
        var (status, body) = await _box.Edge.GetText(_box.PlaylistUrl(channel, _box.DistinctToken(channel)), NewViewer());
        return status == HttpStatusCode.OK ? Playlist.TryParse(body) : null;
    }

    private string NewViewer()
    {
        var n = Interlocked.Increment(ref _viewers);
        return $"198.18.{n / 250}.{n % 250 + 1}";
    }
}
