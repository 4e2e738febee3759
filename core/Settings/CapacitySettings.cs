using Origin.Binding;

namespace Origin.Settings;

/// <summary>The load the origin is sized for. Used to size the tmpfs and to state egress limits (AUDIT-NOTES #12, #15).</summary>
public sealed record CapacitySettings
{
    [Doc("Channels live at the same time.")]
    [Range(1, 100_000)]
    public int Channels { get; init; } = 100;

    [Doc("Bitrate of one channel, kbit/s (audit: 3-5 Mbit/s).")]
    [Range(100, 100_000)]
    public int BitrateKbps { get; init; } = 4000;

    [Doc("Concurrent viewers across all channels.")]
    [Range(1, 10_000_000)]
    public int Viewers { get; init; } = 1000;

    [Doc("Edge locations fetching each channel from the origin: about 1 to 3 upper tiers with tiered cache; many colos without.")]
    [Range(1, 400)]
    public int EdgeFetchersPerChannel { get; init; } = 3;

    // https://developers.cloudflare.com/cache/how-to/cache-keys/: "A default cache key includes: ... Origin
    // header sent by client (for CORS support)". The cache rules cannot drop it below Enterprise (custom cache
    // keys on headers), so a channel's segments are fetched once per Origin value at each fetching edge.
    [Doc("Distinct Origin headers the media is requested with: one per site whose page embeds the player, plus one for players that send none (native apps, Safari's own player, TVs). Cloudflare's default cache key holds the Origin header, so each is its own cache entry and its own origin fetch at every fetching edge.")]
    [Range(1, 1000)]
    public int PlayerOrigins { get; init; } = 2;
}
