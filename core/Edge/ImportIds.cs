using Origin.Values;

namespace Origin.Edge;

/// <summary>
/// The import IDs the Cloudflare provider parses, for Pulumi's import resource option. Each is the
/// pattern its ImportState passes to importpath.ParseImportID in cloudflare/terraform-provider-cloudflare
/// v5.19.1 (bridged by Pulumi.Cloudflare 6.17.0).
/// </summary>
public static class ImportIds
{
    /// <summary>"&lt;{accounts|zones}/{account_id|zone_id}&gt;/&lt;ruleset_id&gt;": internal/services/ruleset/resource.go@v5.19.1.</summary>
    public static string ZoneRuleset(string zoneId, CloudflareId ruleset) => $"zones/{zoneId}/{ruleset}";

    /// <summary>"&lt;zone_id&gt;/&lt;dns_record_id&gt;": internal/services/dns_record/resource.go@v5.19.1.</summary>
    public static string DnsRecord(string zoneId, CloudflareId record) => $"{zoneId}/{record}";
}
