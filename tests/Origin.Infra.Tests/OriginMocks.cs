using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;

namespace Origin.Infra.Tests;

/// <summary>
/// Stands in for the providers: records every registration and lookup, and answers with what the
/// program reads back (addresses, the host's certificate request, the issued certificate, Cloudflare's
/// ranges). The ranges differ from tests/fixtures/cloudflare-ips.json on purpose: a file that still
/// holds the fixture's ranges was not rendered from the lookup.
/// </summary>
internal sealed class OriginMocks : IMocks
{
    public IReadOnlyList<string> Ipv4Ranges { get; init; } = ["10.11.0.0/16", "172.31.0.0/16"];
    public IReadOnlyList<string> Ipv6Ranges { get; init; } = ["fd00:11::/32"];
    public const string ServerIpv4 = "192.0.2.10";
    public const string ServerIpv6 = "2001:db8::10";
    public const string FirewallId = "4711";
    public const string CertificateRequest = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBmockrequest\n-----END CERTIFICATE REQUEST-----";
    public const string Certificate = "-----BEGIN CERTIFICATE-----\nMIIBmockcertificate\n-----END CERTIFICATE-----\n";

    private readonly List<MockResourceArgs> _registered = [];
    private readonly List<MockCallArgs> _calls = [];

    public IReadOnlyList<MockResourceArgs> Registered { get { lock (_registered) return _registered.ToList(); } }
    public IReadOnlyList<MockCallArgs> Calls { get { lock (_calls) return _calls.ToList(); } }

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        lock (_registered) _registered.Add(args);
        var state = args.Inputs.ToBuilder();
        switch (args.Type)
        {
            case "hcloud:index/server:Server":
                state["ipv4Address"] = ServerIpv4;
                state["ipv6Address"] = ServerIpv6;
                break;
            case "command:remote:Command":
                state["stdout"] = args.Name == "tls/apply" ? CertificateRequest : "";
                state["stderr"] = "";
                // The engine marks the connection secret (AdditionalSecretOutputs); the mock monitor does not.
                state["connection"] = Output.CreateSecret(args.Inputs["connection"]);
                break;
            case "command:remote:CopyToRemote":
                state["connection"] = Output.CreateSecret(args.Inputs["connection"]);
                break;
            case "cloudflare:index/originCaCertificate:OriginCaCertificate":
                state["certificate"] = Certificate;
                state["expiresOn"] = "2040-01-01T00:00:00Z";
                break;
        }
        var id = args.Type == "hcloud:index/firewall:Firewall" ? FirewallId : args.Name + "-id";
        return Task.FromResult<(string?, object)>((id, state.ToImmutable()));
    }

    public Task<object> CallAsync(MockCallArgs args)
    {
        lock (_calls) _calls.Add(args);
        object result = args.Token switch
        {
            "cloudflare:index/getIpRanges:getIpRanges" => ImmutableDictionary<string, object>.Empty
                .Add("id", "ip-ranges")
                .Add("etag", "etag")
                .Add("ipv4Cidrs", Ipv4Ranges.ToImmutableArray<object>())
                .Add("ipv6Cidrs", Ipv6Ranges.ToImmutableArray<object>())
                .Add("jdcloudCidrs", ImmutableArray<object>.Empty),
            "cloudflare:index/getZone:getZone" => ImmutableDictionary<string, object>.Empty
                .Add("id", ZoneId((string)((IDictionary<string, object>)args.Args["filter"])["name"]))
                .Add("name", ((IDictionary<string, object>)args.Args["filter"])["name"]),
            _ => throw new NotSupportedException($"the program made an unexpected lookup: {args.Token}"),
        };
        return Task.FromResult(result);
    }

    /// <summary>A zone ID of the shape Cloudflare gives them (32 hex digits), the same for the same name.</summary>
    public static string ZoneId(string zone) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(zone)));
}
