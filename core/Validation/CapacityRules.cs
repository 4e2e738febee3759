using System.Globalization;
using Origin.Capacity;
using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

/// <summary>Egress facts (AUDIT-NOTES #15). Not errors: the operator decides, knowing the numbers.</summary>
internal static class CapacityRules
{
    public static void Check(OriginSettings s, Sizing z, Findings f)
    {
        var c = s.Capacity;
        if (z.DirectEgressMbps > z.NicPayloadMbps)
            f.Warn(Of("capacity.viewers"),
                $"{c.Viewers} viewers x {Mbps(z.BitrateMbps)} Mbit/s = {Mbps(z.DirectEgressMbps)} Mbit/s; the {s.Host.NicMbps} Mbit/s port carries about {Mbps(z.NicPayloadMbps)} Mbit/s of payload, " +
                $"so the origin alone serves about {z.DirectViewerCapacity} viewers: the rest must come from the edge cache");
        if (z.CachedEgressMbps > z.NicPayloadMbps)
            f.Warn(Of("capacity.channels"),
                $"even with the edge caching, {c.Channels} channels x {Mbps(z.BitrateMbps)} Mbit/s x {c.EdgeFetchersPerChannel} fetching edges x {c.PlayerOrigins} player origins (the edge's cache key holds the Origin header) = {Mbps(z.CachedEgressMbps)} Mbit/s exceeds the port's {Mbps(z.NicPayloadMbps)} Mbit/s");
        if (!s.Cloudflare.TieredCache && c.EdgeFetchersPerChannel < 10)
            f.Warn(Of("capacity.edgeFetchersPerChannel"), $"{c.EdgeFetchersPerChannel} assumes tiered cache, which cloudflare.tieredCache turns off: every colo with viewers fetches from the origin");
    }

    private static string Mbps(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
