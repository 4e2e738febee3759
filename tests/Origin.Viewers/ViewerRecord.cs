namespace Origin.Viewers;

/// <summary>A playlist load as the player saw it: the live window's first and last media sequence numbers.</summary>
public sealed record PlaylistView(TimeSpan At, long First, long Last)
{
    public int Segments => (int)(Last - First + 1);
}

/// <summary>A fresh URL loaded after a 403 (the token ran out), and when a frame played after it (null: none yet).</summary>
public sealed record Recovery(TimeSpan At, TimeSpan? FrameAfter);

/// <summary>What one viewer saw over one play.</summary>
/// <param name="FirstFrame">From the player's start to its first frame; null if it never got one.</param>
/// <param name="Stalls">Each wait for data after the first frame (with less than <see cref="StarvedBelowSeconds"/> buffered ahead), with its length.</param>
/// <param name="OtherWaits">Waits with media buffered ahead (the decoder on a busy machine, a jump over a gap): not the origin's doing.</param>
/// <param name="BufferAhead">Seconds buffered ahead of the playhead, sampled after the first frame.</param>
/// <param name="Recoveries">Each fresh URL the page loaded after a 403.</param>
public sealed record ViewerRecord(
    string Player,
    TimeSpan? FirstFrame,
    IReadOnlyList<TimeSpan> Stalls,
    IReadOnlyList<double> BufferAhead,
    IReadOnlyList<PlaylistView> Playlists,
    IReadOnlyList<string> Errors,
    TimeSpan Played,
    IReadOnlyList<(string Step, TimeSpan At)>? Steps = null,
    IReadOnlyList<TimeSpan>? OtherWaits = null,
    IReadOnlyList<Recovery>? Recoveries = null)
{
    /// <summary>A wait that begins with less than this buffered ahead of the playhead is a stall: the player ran out of media.</summary>
    public const double StarvedBelowSeconds = 0.5;

    public TimeSpan Stalled => Stalls.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    /// <summary>How far the live window moved while the viewer watched (media sequence of the first segment listed).</summary>
    public long SequenceProgress => Playlists.Count == 0 ? 0 : Playlists[^1].First - Playlists[0].First;

    public double MinBufferAhead => BufferAhead.Count == 0 ? 0 : BufferAhead.Min();

    public double MedianBufferAhead => BufferAhead.Count == 0 ? 0 : BufferAhead.Order().ElementAt(BufferAhead.Count / 2);

    public override string ToString() =>
        $"{Player}: first frame {(FirstFrame is { } f ? $"{f.TotalSeconds:F2} s" : "never")}, {Stalls.Count} stalls ({Stalled.TotalSeconds:F2} s) in {Played.TotalSeconds:F0} s, " +
        (OtherWaits is { Count: > 0 } w ? $"{w.Count} waits with media buffered ({string.Join(", ", w.Select(x => $"{x.TotalSeconds:F2} s"))}), " : "") +
        (Player == "hls.js" && Playlists.Count > 0 ? $"first playlist {Playlists[0].Segments} segments, " : "") + $"buffer ahead min {MinBufferAhead:F2} s median {MedianBufferAhead:F2} s, media sequence +{SequenceProgress} over {Playlists.Count} playlist loads, " +
        (Recoveries is { Count: > 0 } r ? $"{r.Count} fresh URLs after a 403 ({string.Join(", ", r.Select(x => $"at {x.At.TotalSeconds:F1} s, a frame {(x.FrameAfter is { } a ? $"{(a - x.At).TotalSeconds:F2} s later" : "never")}"))}), " : "") +
        (Steps is { Count: > 0 } ? $"start: {string.Join(", ", Steps.Select(s => $"{s.Step} {s.At.TotalSeconds:F2} s"))}, " : "") +
        $"{Errors.Count} errors{(Errors.Count > 0 ? ": " + string.Join("; ", Errors.Distinct().Take(5)) : "")}";
}
