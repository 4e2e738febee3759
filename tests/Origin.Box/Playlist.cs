using System.Globalization;

namespace Origin.Box;

/// <summary>The parts of a live HLS media playlist (RFC 8216) the tests and the benchmark compare.</summary>
public sealed record Playlist(long MediaSequence, int TargetDuration, IReadOnlyList<string> Segments, IReadOnlyList<double> Durations)
{
    /// <summary>The sum of the segments' EXTINF durations: the playlist's duration as RFC 8216 6.2.2 counts it.</summary>
    public double Seconds => Durations.Sum();

    /// <summary>Parses a media playlist that lists at least one segment; null for anything else.</summary>
    public static Playlist? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("#EXTM3U", StringComparison.Ordinal)) return null;
        long? sequence = null;
        int? target = null;
        var segments = new List<string>();
        var durations = new List<double>();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
                sequence = long.Parse(lines[i]["#EXT-X-MEDIA-SEQUENCE:".Length..], CultureInfo.InvariantCulture);
            else if (lines[i].StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))
                target = int.Parse(lines[i]["#EXT-X-TARGETDURATION:".Length..], CultureInfo.InvariantCulture);
            else if (lines[i].StartsWith("#EXTINF:", StringComparison.Ordinal) && i + 1 < lines.Count && !lines[i + 1].StartsWith('#'))
            {
                durations.Add(double.Parse(lines[i]["#EXTINF:".Length..].Split(',')[0], CultureInfo.InvariantCulture));
                segments.Add(lines[++i]);
            }
        }
        return sequence is { } s && target is { } t && segments.Count > 0 ? new Playlist(s, t, segments, durations) : null;
    }

    /// <summary>The playlist file as it is on disk now; null while it does not exist or lists nothing yet.</summary>
    public static Playlist? ReadFile(string path)
    {
        try
        {
            return TryParse(File.ReadAllText(path));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
