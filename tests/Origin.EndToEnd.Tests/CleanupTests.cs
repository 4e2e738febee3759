using System.Net;
using Origin.Box;
using Origin.Capacity;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>The rendered tmpfiles.d rule, run as its timer runs it (AUDIT-NOTES #11).</summary>
[Collection(OriginCollection.Name)]
public sealed class CleanupTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 150_000)]
    public async Task The_cleanup_timer_removes_a_stopped_channels_files_and_never_a_live_channels()
    {
        var live = await fixture.LiveChannel();
        // A published playlist is a link, which the cleanup ages by the link's own mtime: the API keeps it fresh while
        // the channel runs. Aged by hand, it must be fresh again within a segment or two and survive a cleanup run.
        var link = Box.PlaylistFile(live);
        var longAgo = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10 * new Sizing(Box.Settings).CleanupAge.Seconds;
        Run.Capture("touch", ["-h", "-d", $"@{longAgo}", link]).OrThrow("ageing the live channel's published playlist");
        await Task.Delay(TimeSpan.FromSeconds(2 * Box.Hls.SegmentSeconds + 1));
        (await Box.RunCleanup()).OrThrow("the cleanup service");
        Assert.NotNull(Playlist.ReadFile(link));
        var stopped = await fixture.StartChannel();
        await Poll.Until(() => Segments(stopped).Count >= 2, TimeSpan.FromSeconds(20), "the channel to be stopped writes segments");
        // Stopped as a channel stops when its FFmpeg dies: the API removes the playlist, the segments stay.
        Processes.Signal((await Box.FfmpegPid(stopped))!.Value, Processes.SigKill);
        await Poll.Until(() => !File.Exists(Box.PlaylistFile(stopped)), TimeSpan.FromSeconds(10), "the API drops the dead channel's playlist");
        var leftovers = Segments(stopped).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.NotEmpty(leftovers);

        var age = TimeSpan.FromSeconds(new Sizing(Box.Settings).CleanupAge.Seconds);
        var interval = Box.CleanupInterval;
        var lastWritten = leftovers.Values.Max();
        var deadline = lastWritten + age + interval + TimeSpan.FromSeconds(5);
        var runs = 0;
        while (leftovers.Keys.Any(File.Exists))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the stopped channel's files outlived {age} + one timer period");
            await Task.Delay(interval);
            var ranAt = DateTime.UtcNow;
            (await Box.RunCleanup()).OrThrow("the cleanup service");
            runs++;

            // Never before their time...
            foreach (var (file, written) in leftovers.Where(l => !File.Exists(l.Key)))
                Assert.True(ranAt - written >= age - TimeSpan.FromSeconds(1), $"{Path.GetFileName(file)} removed {(ranAt - written).TotalSeconds:F0} s after it was written");
            // ...and never anything of the live channel: its playlist, every segment it lists, and it is served.
            var playlist = Playlist.ReadFile(Box.PlaylistFile(live));
            Assert.NotNull(playlist);
            Assert.All(playlist.Segments, s => Assert.True(File.Exists(Path.Combine(Box.HlsDir, s)), $"live segment {s} removed"));
            Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(Box.PlaylistUrl(live, Box.Token(live)), fixture.NewViewerIp())).Status);
        }
        output.WriteLine($"{leftovers.Count} files of the stopped channel removed by run {runs} (timer every {interval.TotalSeconds} s), " +
                         $"{(DateTime.UtcNow - lastWritten).TotalSeconds:F0} s after the last was written (age {age.TotalSeconds} s); the live channel kept every file");
    }

    private IReadOnlyList<string> Segments(string channel) => Directory.GetFiles(Box.HlsDir, $"{Box.Hls.PlaylistPrefix}{channel}_*.ts");
}
