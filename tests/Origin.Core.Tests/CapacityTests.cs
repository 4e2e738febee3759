using Origin.Capacity;
using static Origin.Tests.FindingsAssert;

namespace Origin.Tests;

/// <summary>The sizing arithmetic (AUDIT-NOTES #12, #15) on the prod stack's numbers.</summary>
public class CapacityTests
{
    private static readonly Sizing Prod = new(Stacks.Valid());

    [Fact]
    public void Cleanup_age_keeps_a_segment_for_rfc_8216_and_is_rounded_up_to_a_minute()
    {
        // 2 s segments, 6 listed: listed for 12 s after it is written, then kept 2 s + 12 s more.
        Assert.Equal(26, Prod.MinimumCleanupAge.Seconds);
        Assert.Equal(60, Prod.CleanupAge.Seconds);
        Assert.Equal(75, Prod.Retention.Seconds);
    }

    [Theory]
    [InlineData(2, 6)]
    [InlineData(1, 3)]
    [InlineData(4, 5)]
    [InlineData(10, 10)]
    public void Ffmpeg_keeps_a_segment_that_left_the_playlist_for_its_duration_plus_the_playlists(int segmentSeconds, int listSize)
    {
        var z = new Sizing(Stacks.Valid($"hls.segmentSeconds={segmentSeconds}", $"hls.listSize={listSize}", "stream.timeoutSeconds=90", "cloudflare.viewersPerAddress=200"));
        // RFC 8216 6.2.2, in seconds: the segment's duration plus the longest playlist's that listed it. FFmpeg deletes one
        // kept segment per segment period, so the threshold in segments must cover that time, with no segment to spare
        // (FFmpeg itself keeps no more than the playlist's duration plus one segment).
        var rfcSeconds = segmentSeconds + segmentSeconds * listSize;
        Assert.True(z.DeleteThreshold * segmentSeconds >= rfcSeconds, $"threshold {z.DeleteThreshold} keeps {z.DeleteThreshold * segmentSeconds} s < {rfcSeconds} s");
        Assert.True((z.DeleteThreshold - 1) * segmentSeconds < rfcSeconds);
        // The cleanup never takes a segment FFmpeg still keeps: listed listSize periods after it is written, then kept.
        Assert.True(z.MinimumCleanupAge.Seconds >= segmentSeconds * (listSize + z.DeleteThreshold));
        Assert.True(z.CleanupAge.Seconds >= z.MinimumCleanupAge.Seconds);
        // And the tmpfs holds a running channel's whole window: listed, kept, and the segment being written.
        Assert.True(z.Retention.Seconds >= segmentSeconds * (listSize + z.DeleteThreshold + 1));
    }

    [Fact]
    public void The_prod_stack_keeps_7_segments_after_they_leave_its_playlist()
    {
        // 2 s + 6 x 2 s = 14 s (RFC 8216 6.2.2), in 2 s segments; rendered as HLS_DELETE_THRESHOLD.
        Assert.Equal(7, Prod.DeleteThreshold);
        Assert.Equal(28, Prod.LiveChannelSeconds);
        var env = Stacks.ProdPlan()["stream-service"].Files.Single(f => f.Path == "/etc/origin-stack/stream-api.env").Content;
        Assert.Contains("\nHLS_DELETE_THRESHOLD=7\n", env);
    }

    [Fact]
    public void Tmpfs_is_channels_times_bitrate_times_retention_times_margin()
    {
        // 50 channels x 4000 kbit/s = 25 MB/s; x 75 s x 1.5 = 2_812_500_000 bytes, rounded up to MiB.
        Assert.Equal(2683L << 20, Prod.TmpfsSize.Bytes);
        Assert.True(Prod.TmpfsSize.Bytes >= 2_812_500_000);
    }

    [Fact]
    public void An_explicit_tmpfs_size_wins()
    {
        Assert.Equal(8L << 30, new Sizing(Stacks.Valid("hls.tmpfsSize=8g")).TmpfsSize.Bytes);
    }

    [Fact]
    public void Playlist_max_age_is_half_a_segment()
    {
        Assert.Equal(1, Prod.PlaylistMaxAge);
        Assert.Equal(3, new Sizing(Stacks.Valid("hls.segmentSeconds=6", "stream.timeoutSeconds=60")).PlaylistMaxAge);
    }

    [Fact]
    public void A_gigabit_port_serves_about_190_to_310_viewers_directly()
    {
        Assert.Equal(313, new Sizing(Stacks.Valid("capacity.bitrateKbps=3000")).DirectViewerCapacity);
        Assert.Equal(188, new Sizing(Stacks.Valid("capacity.bitrateKbps=5000")).DirectViewerCapacity);
    }

    [Fact]
    public void Egress_beyond_the_port_is_a_warning_with_the_numbers()
    {
        var loaded = Stacks.Load();
        NoErrors(loaded);
        var warning = WarningAt(loaded, "origin:capacity.viewers");
        Assert.Contains("1000 viewers x 4 Mbit/s = 4000 Mbit/s", warning.Message);
        Assert.Contains("about 235 viewers", warning.Message);
    }

    [Fact]
    public void Cached_egress_beyond_the_port_is_a_warning()
    {
        var loaded = Stacks.Load("capacity.channels=100", "capacity.edgeFetchersPerChannel=3", "capacity.bitrateKbps=4000", "capacity.playerOrigins=1");
        var warning = WarningAt(loaded, "origin:capacity.channels");
        Assert.Contains("100 channels x 4 Mbit/s x 3 fetching edges x 1 player origins (the edge's cache key holds the Origin header) = 1200 Mbit/s", warning.Message);
    }

    /// <summary>
    /// Cloudflare's default cache key holds the request's Origin header (https://developers.cloudflare.com/cache/how-to/cache-keys/):
    /// one embedding site's players and native players (no Origin) are two cache entries, each fetched from the origin.
    /// The prod stack's 50 channels at 4 Mbit/s from 3 upper tiers fit the port for one Origin value and not for two.
    /// </summary>
    [Fact]
    public void Every_origin_players_request_with_is_its_own_cache_fill()
    {
        Assert.Equal(2, Prod.Settings.Capacity.PlayerOrigins);
        Assert.Equal(50 * 4 * 3 * 2, Prod.CachedEgressMbps);
        Assert.Equal(50 * 4 * 3, new Sizing(Stacks.Valid("capacity.playerOrigins=1")).CachedEgressMbps);
        Assert.Contains("x 2 player origins", WarningAt(Stacks.Load(), "origin:capacity.channels").Message);
        Assert.DoesNotContain(Stacks.Load("capacity.playerOrigins=1").Findings.Warnings, w => w.Key == "origin:capacity.channels");
    }

    [Fact]
    public void Nginx_needs_two_descriptors_per_connection_plus_its_cache()
    {
        Assert.Equal(2 * 10_000 + 10_000 + 64, Prod.NginxDescriptorsPerWorker);
    }

    [Fact]
    public void Hcloud_ram_comes_from_the_server_type()
    {
        var s = Stacks.Valid("host.mode=hcloud", "host.ram=null", "host.hcloud.serverType=ccx33",
            "host.hcloud.sshPublicKeys=[\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq1hYcNtQmXmX1ETRmG7lH3Dn0C1wz3a3B6gQ1u8Xk2 ops\"]");
        Assert.Equal(32L << 30, new Sizing(s).Ram!.Bytes);
    }
}
