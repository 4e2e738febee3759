using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Origin.Box;

namespace Origin.Viewers;

/// <summary>
/// FFmpeg as an HLS client: it reads the live playlist as its hls demuxer does (starting 3 segments before the
/// live edge, live_start_index -3: https://ffmpeg.org/ffmpeg-formats.html#hls-1), as fast as segments come, into
/// the null muxer. What a viewer would see is played back from its progress: a player that starts at the first
/// frame and plays in real time stalls whenever the media FFmpeg has received is behind the playhead.
/// </summary>
public sealed partial class FfmpegViewer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan Wall, TimeSpan Media)> _progress = [];
    private readonly List<PlaylistView> _segments = [];
    private readonly List<string> _errors = [];
    private readonly Task _readers;

    private FfmpegViewer(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(ReadProgress(), ReadLog());
    }

    /// <param name="url">The playlist, on the edge's loopback port.</param>
    /// <param name="hostName">The Host header the viewer sends (the zone's record).</param>
    public static FfmpegViewer Start(string url, string hostName, TimeSpan play)
    {
        var start = new ProcessStartInfo(Tools.Ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])
                 [
                     "-nostdin", "-hide_banner", "-loglevel", "verbose", "-progress", "pipe:1", "-stats_period", "0.25",
                     "-headers", $"Host: {hostName}\r\n", "-i", url,
                     "-map", "0", "-c", "copy", "-t", play.TotalSeconds.ToString(CultureInfo.InvariantCulture), "-f", "null", "-",
                 ])
            start.ArgumentList.Add(a);
        return new FfmpegViewer(Process.Start(start) ?? throw new InvalidOperationException("cannot start ffmpeg"));
    }

    private async Task ReadProgress()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith("out_time_us=", StringComparison.Ordinal) && long.TryParse(line["out_time_us=".Length..], out var us) && us > 0)
                lock (_progress) _progress.Add((_clock.Elapsed, TimeSpan.FromMicroseconds(us)));
    }

    [GeneratedRegex(@"Opening '[^']*_(\d+)\.ts[^']*' for reading")]
    private static partial Regex SegmentOpened();

    private async Task ReadLog()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_segments)
            {
                if (SegmentOpened().Match(line) is { Success: true } m)
                {
                    var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    _segments.Add(new PlaylistView(_clock.Elapsed, n, n));
                }
                else if (line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("HTTP error", StringComparison.Ordinal))
                    _errors.Add(line.Trim());
            }
        }
    }

    /// <summary>Waits for FFmpeg to end (it stops after the play time of media), or kills it at the deadline.</summary>
    public async Task<ViewerRecord> Finish(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            lock (_errors) _errors.Add($"ffmpeg still running after {_clock.Elapsed.TotalSeconds:F0} s");
        }
        // Killed or not: its exit code is there only once it has been reaped.
        await _process.WaitForExitAsync();
        await _readers;
        if (_process.ExitCode != 0 && _errors.Count == 0) _errors.Add($"ffmpeg exited with {_process.ExitCode}");
        return Replay();
    }

    /// <summary>A real-time playhead from the first frame on: it advances with the wall clock while media is
    /// there, and waits (a stall) when it catches up with what has been received.</summary>
    private ViewerRecord Replay()
    {
        var progress = _progress.ToList();
        var stalls = new List<TimeSpan>();
        var buffer = new List<double>();
        if (progress.Count > 0)
        {
            var (lastWall, playhead) = (progress[0].Wall, TimeSpan.Zero);
            var stalling = false;
            foreach (var (wall, media) in progress)
            {
                playhead += wall - lastWall;
                lastWall = wall;
                if (playhead > media)
                {
                    if (!stalling) stalls.Add(TimeSpan.Zero);
                    stalls[^1] += playhead - media;
                    playhead = media;
                    stalling = true;
                }
                else
                    stalling = false;
                buffer.Add((media - playhead).TotalSeconds);
            }
        }
        return new ViewerRecord("ffmpeg", progress.Count > 0 ? progress[0].Wall : null, stalls, buffer, _segments.ToList(), _errors.ToList(),
            progress.Count > 0 ? progress[^1].Wall - progress[0].Wall : TimeSpan.Zero);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
