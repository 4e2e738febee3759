using System.Globalization;

namespace Origin.Box;

/// <summary>
/// The input a channel plays in the box: FFmpeg's test pattern and a tone, H.264/AAC in MPEG-TS,
/// with a keyframe exactly every <c>keyframeSeconds</c> (the source GOP is what sets real segment
/// length in stream copy, AUDIT-NOTES #10). Constant bitrate, so segments weigh what the bitrate says.
/// </summary>
public static class TestSource
{
    public static void Generate(string path, int keyframeSeconds, int bitrateKbps, string size = "640x360", int seconds = 20)
    {
        const int fps = 25;
        var gop = (fps * keyframeSeconds).ToString(CultureInfo.InvariantCulture);
        var rate = bitrateKbps.ToString(CultureInfo.InvariantCulture) + "k";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Run.Capture(Tools.Ffmpeg,
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={fps}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
            "-b:v", rate, "-minrate", rate, "-maxrate", rate, "-bufsize", rate, "-x264-params", "nal-hrd=cbr",
            "-c:a", "aac", "-b:a", "96k",
            "-f", "mpegts", path,
        ], TimeSpan.FromSeconds(120)).OrThrow("generating the test source");
    }
}
