using Origin.Viewers;

namespace Origin.Bench.Tests;

/// <summary>The viewers' table: what the players of a step recorded, summed up as one row each.</summary>
public sealed class ViewersTableTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static ViewerRecord Player(double? firstFrame, double played, double[]? stalls = null, string[]? errors = null) =>
        new("hls.js", firstFrame is { } f ? S(f) : null, (stalls ?? []).Select(S).ToList(), [], [], errors ?? [], S(played));

    [Fact]
    public void A_row_sums_the_stalls_and_takes_the_first_frames_of_the_players_that_had_one()
    {
        var row = ViewerRow.Summarize("segment", 2000, "stack", "hls.js",
        [
            Player(3.0, played: 40, stalls: [0.5, 0.25]),
            Player(1.0, played: 35, errors: ["fragLoadError", "levelLoadError"]),
            Player(2.0, played: 33, stalls: [1.0], errors: ["fragLoadError"]),
        ]);

        Assert.Equal([1.0, 2.0, 3.0], row.FirstFrames);
        Assert.Equal(2.0, row.FirstFrameMedian);
        Assert.Equal(3, row.Stalls);
        Assert.Equal(1.75, row.StalledSeconds, 6);
        // Watched after the first frame, by the player that watched least: 33 s from its start less 2 s to its first frame.
        Assert.Equal(31, row.Watched, 6);
        Assert.Equal(["fragLoadError (x2)", "levelLoadError (x1)"], row.Errors);
    }

    [Fact]
    public void A_player_without_a_first_frame_counts_as_one_that_watched_nothing()
    {
        var row = ViewerRow.Summarize("playlist", 4000, "before", "hls.js", [Player(4.0, played: 40), Player(null, played: 40), Player(2.0, played: 40)]);

        Assert.Equal(3, row.Players);
        Assert.Equal([2.0, 4.0], row.FirstFrames);
        Assert.Equal(3.0, row.FirstFrameMedian); // the mean of the middle two
        Assert.Equal(0, row.Watched);
        Assert.Null(ViewerRow.Summarize("playlist", 4000, "before", "hls.js", [Player(null, played: 40)]).FirstFrameMedian);
    }

    [Fact]
    public void The_table_follows_the_ladder_order_and_says_plainly_when_nobody_started()
    {
        var rows = new[]
        {
            ViewerRow.Summarize("segment", 1000, "stack", "hls.js", [Player(1.5, 30)]),
            ViewerRow.Summarize("playlist", 2000, "audit", "hls.js", [Player(null, 30, errors: ["manifestLoadError | 503"])]),
            ViewerRow.Summarize("playlist", 2000, "before", "hls.js", [Player(1.0, 30), Player(2.5, 30, stalls: [0.4])]),
            ViewerRow.Summarize("playlist", 1000, "stack", "hls.js", [Player(0.8, 31)]),
        };

        var lines = ViewersTable.Render(rows).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2 + rows.Length, lines.Length);
        Assert.Equal("| playlists | 1000 | stack | hls.js | 0.8 / 0.8 | 1/1 | 0 | 0.0 | 30 |  |", lines[2]);
        Assert.Equal("| playlists | 2000 | before | hls.js | 1.8 / 2.5 | 2/2 | 1 | 0.4 | 28 |  |", lines[3]);
        // A cell's "|" would end the cell: escaped.
        Assert.Equal(@"| playlists | 2000 | audit | hls.js | none | 0/1 | 0 | 0.0 | 0 | manifestLoadError \| 503 (x1) |", lines[4]);
        Assert.StartsWith("| segments | 1000 | stack |", lines[5]);
    }

    [Fact]
    public void FFmpeg_errors_from_different_connections_are_one_error()
    {
        var row = ViewerRow.Summarize("segment", 1000, "audit", "FFmpeg",
            [Player(1.0, 30, errors: ["[http @ 0x559a57312c40] HTTP error 404 Not Found", "[http @ 0x559a57316740] HTTP error 404 Not Found", "[hls @ 0x55d4d681bc40] Failed to open segment 7"])]);

        Assert.Equal(["[http] HTTP error 404 Not Found (x2)", "[hls] Failed to open segment 7 (x1)"], row.Errors);
    }

    [Fact]
    public void An_error_keeps_the_file_name_of_its_url_not_the_viewers_token()
    {
        const string token = "1796128825-bz2wzwnEXrTL7Gox2IG4aNhHXBz0G4HZGCyuDHfRcAw";
        var row = ViewerRow.Summarize("segment", 1000, "audit", "FFmpeg",
            [Player(null, 30, errors: [$"[hls @ 0x55d4d681bc40] Error when loading first segment 'http://127.0.0.1:34691/live/{token}/stream_1_1796128735.ts'",
                                        $"Opening 'http://127.0.0.1:34691/live/stream_1.m3u8?channel=1&verify={token}' failed"])]);

        // Equally frequent: in ordinal order.
        Assert.Equal(["Opening '…/stream_1.m3u8' failed (x1)", "[hls] Error when loading first segment '…/stream_1_1796128735.ts' (x1)"], row.Errors);
        Assert.DoesNotContain(token, ViewersTable.Render([row]));
    }

    [Fact]
    public void Only_the_most_frequent_errors_are_shown_with_the_number_left_out()
    {
        var errors = new[] { "a", "b", "b", "c", "c", "c", "d", "e" };
        var row = ViewerRow.Summarize("segment", 1000, "stack", "hls.js", [Player(1.0, 30, errors: errors)]);

        var line = ViewersTable.Render([row]).Split('\n')[2];

        Assert.EndsWith("| c (x3)<br>b (x2)<br>a (x1)<br>2 more |", line.TrimEnd());
    }
}
