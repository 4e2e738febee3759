using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum ChannelIdCharset
{
    /// <summary>[0-9]</summary>
    Digits,
    /// <summary>[A-Za-z0-9]</summary>
    Alphanumeric,
}

public sealed record HlsSettings
{
    [Doc("Directory FFmpeg writes playlists and segments to; mounted as tmpfs.")]
    public AbsolutePath Dir { get; init; } = new("/var/www/hls");

    [Doc("URL prefix nginx serves the directory under (the audited host uses /live/).")]
    public UrlPrefix UrlPrefix { get; init; } = new("/live/");

    [Doc("File name prefix of a channel's playlist: /live/<prefix><id>.m3u8.")]
    public Slug PlaylistPrefix { get; init; } = new("stream_");

    [Doc("Characters a channel id may contain; nginx only starts channels whose id matches.")]
    public ChannelIdCharset ChannelIdCharset { get; init; } = ChannelIdCharset.Digits;

    [Doc("Longest channel id nginx will pass to the API.")]
    [Range(1, 64)]
    public int ChannelIdMaxLength { get; init; } = 12;

    [Doc("FFmpeg -hls_time, seconds (audit option A). In stream-copy mode segments are cut at the next keyframe, so the real length is the source GOP (AUDIT-NOTES #10).")]
    [Range(1, 10)]
    public int SegmentSeconds { get; init; } = 2;

    [Doc("FFmpeg -hls_list_size: segments listed in the live playlist (audit option A: 6, a 12 s window).")]
    [Range(2, 30)]
    public int ListSize { get; init; } = 6;

    [Doc("Segments a cold channel's playlist lists before the API answers its start. A player starts about 3 target durations from the live edge (RFC 8216 6.3.3; hls.js liveSyncDurationCount 3, FFmpeg live_start_index -3), so a first playlist of one segment leaves the first viewer no buffer and it stalls; each segment more delays that viewer's first frame by segmentSeconds. 3 measured: no stall, first frame about 4 s later than 1 (README, Cold starts).")]
    [Range(1, 30)]
    public int StartSegments { get; init; } = 3;

    [Doc("Seconds a channel's FFmpeg waits for its network source to send anything before it gives up (FFmpeg -rw_timeout, rendered as HLS_SOURCE_TIMEOUT). Without it a source that stalls leaves FFmpeg waiting for ever and the channel never restarts; with it FFmpeg exits, the API drops the channel's playlist and the next viewer request starts it afresh.")]
    [Range(1, 60)]
    public int SourceTimeoutSeconds { get; init; } = 10;

    [Doc("FFmpeg -hls_init_time, seconds; 0 disables. Shorter first segments start a channel sooner, but the playlist then begins with a smaller EXT-X-TARGETDURATION and raises it later, which RFC 8216 6.2.1 forbids: validation warns.")]
    [Range(0, 10)]
    public int InitSeconds { get; init; }

    [Doc("tmpfs size. Computed from capacity.channels x capacity.bitrateKbps x the retention window x 1.5 when not given; checked against RAM.")]
    public ByteSize? TmpfsSize { get; init; }

    [Doc("Files untouched for this long are removed by the cleanup timer. Must be at least segmentSeconds x (2 x listSize + 1): a segment is listed for listSize segments, then FFmpeg keeps it listSize + 1 more (-hls_delete_threshold, computed: its duration plus the playlist's, RFC 8216 6.2.2). Computed when not given.")]
    public Duration? CleanupAge { get; init; }

    [Doc("How often the cleanup timer runs.")]
    public Duration CleanupInterval { get; init; } = Duration.FromSeconds(15);
}
