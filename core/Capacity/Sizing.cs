using Origin.Settings;
using Origin.Values;

namespace Origin.Capacity;

/// <summary>
/// Values derived from the settings: what the stack computes when the config leaves it out, and the
/// arithmetic the capacity checks and the README quote. Pure functions of the settings.
/// </summary>
public sealed record Sizing(OriginSettings Settings)
{
    /// <summary>TCP/IP and Ethernet framing leave about 94% of line rate for payload (AUDIT-NOTES #15).</summary>
    public const double NicPayloadShare = 0.94;

    /// <summary>Headroom on the tmpfs for bitrate peaks and segments longer than hls_time (GOP overrun).</summary>
    public const double TmpfsMargin = 1.5;

    /// <summary>Descriptors a worker needs besides connections and cached files: logs, listeners, eventfd, shared memory.</summary>
    public const int NginxFixedDescriptors = 64;

    /// <summary>Hetzner Cloud dedicated-vCPU server types and their RAM.</summary>
    public static IReadOnlyDictionary<string, ByteSize> HcloudDedicatedRam { get; } = new Dictionary<string, ByteSize>
    {
        ["ccx13"] = ByteSize.FromGiB(8), ["ccx23"] = ByteSize.FromGiB(16), ["ccx33"] = ByteSize.FromGiB(32),
        ["ccx43"] = ByteSize.FromGiB(64), ["ccx53"] = ByteSize.FromGiB(128), ["ccx63"] = ByteSize.FromGiB(192),
    };

    private HlsSettings Hls => Settings.Hls;
    private CapacitySettings Load => Settings.Capacity;

    /// <summary>RAM as configured, or of the hcloud server type; null when neither is known (a validation error).</summary>
    public ByteSize? Ram =>
        Settings.Host.Ram
        ?? (Settings.Host.Mode == HostMode.Hcloud && HcloudDedicatedRam.TryGetValue(Settings.Host.Hcloud.ServerType.Value, out var ram) ? ram : null);

    /// <summary>Seconds the live playlist lists: listSize segments of segmentSeconds.</summary>
    public int PlaylistSeconds => Hls.SegmentSeconds * Hls.ListSize;

    /// <summary>
    /// FFmpeg -hls_delete_threshold: segments kept on disk after they leave the playlist. RFC 8216 section 6.2.2: "When
    /// the server removes a Media Segment URI from the Playlist, the corresponding Media Segment MUST remain available
    /// to clients for a period of time equal to the duration of the segment plus the duration of the longest Playlist
    /// file distributed by the server containing that segment" (https://www.rfc-editor.org/rfc/rfc8216#section-6.2.2):
    /// segmentSeconds + listSize x segmentSeconds, in segments ceil((segmentSeconds + playlist) / segmentSeconds), which is
    /// listSize + 1. FFmpeg removes a segment from the playlist and deletes the oldest kept one in the same step, when it
    /// appends a new segment (libavformat/hlsenc.c, hls_append_segment calling hls_delete_old_segments), so a kept
    /// segment stays threshold segment periods after it left the playlist. hls_delete_old_segments also stops keeping
    /// old segments once they add up to the playlist's duration plus one segment, so a larger threshold keeps no more.
    /// </summary>
    public int DeleteThreshold => (Hls.SegmentSeconds + PlaylistSeconds + Hls.SegmentSeconds - 1) / Hls.SegmentSeconds;

    /// <summary>Shortest cleanup age that never removes a segment FFmpeg still keeps for RFC 8216 6.2.2: a segment is listed
    /// for listSize segment periods after it is written (its modification time), then kept deleteThreshold periods more.</summary>
    public Duration MinimumCleanupAge => Duration.FromSeconds((long)Hls.SegmentSeconds * (Hls.ListSize + DeleteThreshold));

    /// <summary>Twice the minimum, rounded up to a whole minute: slack for segments longer than hls_time.</summary>
    public Duration CleanupAge => Hls.CleanupAge ?? Duration.FromSeconds((MinimumCleanupAge.Seconds * 2 + 59) / 60 * 60);

    /// <summary>Seconds of a running channel on disk: the segments listed, those kept after (deleteThreshold), and the one being written.</summary>
    public long LiveChannelSeconds => (long)Hls.SegmentSeconds * (Hls.ListSize + DeleteThreshold + 1);

    /// <summary>Longest a file can live: a live channel's window, or for a stopped channel's files their age limit plus one timer period.</summary>
    public Duration Retention => Duration.FromSeconds(Math.Max(CleanupAge.Seconds + Hls.CleanupInterval.Seconds, LiveChannelSeconds));

    public long ChannelBytesPerSecond => Load.BitrateKbps * 1000L / 8;

    /// <summary>channels x bitrate x retention x margin, rounded up to a whole MiB (AUDIT-NOTES #12).</summary>
    public ByteSize ComputedTmpfsSize =>
        ByteSize.FromMiB(new ByteSize((long)Math.Ceiling(Load.Channels * (double)ChannelBytesPerSecond * Retention.Seconds * TmpfsMargin)).MiBRoundedUp);

    public ByteSize TmpfsSize => Hls.TmpfsSize ?? ComputedTmpfsSize;

    /// <summary>The limit of /tmp where it is a tmpfs (Debian 13), which the plan sets; null where /tmp is on disk.</summary>
    public ByteSize? TmpTmpfsSize => Plan.DebianRelease.For(Settings.Host.Release).TmpIsTmpfs ? Settings.Host.TmpSize : null;

    /// <summary>RAM that must stay free of tmpfs and Redis: the OS, nginx, gunicorn, and one FFmpeg per channel (stream copy: ~20 MiB).</summary>
    public ByteSize ServiceReserve => ByteSize.FromMiB(1024 + 20L * Load.Channels);

    /// <summary>Half a segment, as nginx writes it in Cache-Control (AUDIT-NOTES #1).</summary>
    public int PlaylistMaxAge => Settings.Nginx.PlaylistMaxAge ?? Hls.SegmentSeconds / 2;

    /// <summary>Descriptors one nginx worker can need: a client and an upstream or file per connection, plus the segment cache.</summary>
    public long NginxDescriptorsPerWorker => 2L * Settings.Nginx.WorkerConnections + Settings.Nginx.SegmentFileCache.Max + NginxFixedDescriptors;

    public double NicPayloadMbps => Settings.Host.NicMbps * NicPayloadShare;

    public double BitrateMbps => Load.BitrateKbps / 1000.0;

    /// <summary>Viewers the port can serve with no edge cache at all.</summary>
    public int DirectViewerCapacity => (int)Math.Floor(NicPayloadMbps / BitrateMbps);

    /// <summary>Origin egress when the edge caches: every channel fetched by each upper tier (AUDIT-NOTES #15), once for
    /// each Origin header its players send, which Cloudflare's default cache key holds (CapacitySettings.PlayerOrigins).</summary>
    public double CachedEgressMbps => Load.Channels * BitrateMbps * Load.EdgeFetchersPerChannel * Load.PlayerOrigins;

    public double DirectEgressMbps => Load.Viewers * BitrateMbps;

    /// <summary>The value of a sysctl as the stack leaves it: configured, or the kernel default we know of.</summary>
    public long? SysctlNumber(string key) =>
        Settings.Kernel.Sysctl.FirstOrDefault(kv => kv.Key.Value == key).Value is { } s && long.TryParse(s.Value.Value, out var n)
            ? n
            : KernelDefaults.TryGetValue(key, out var d) ? d : null;

    /// <summary>Defaults of the Debian 12 kernel for the sysctls the checks compare against.</summary>
    private static readonly Dictionary<string, long> KernelDefaults = new()
    {
        ["net.core.somaxconn"] = 4096,
        ["fs.nr_open"] = 1_048_576,
    };
}
