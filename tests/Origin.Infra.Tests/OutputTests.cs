using Pulumi;
using Xunit;

namespace Origin.Infra.Tests;

/// <summary>The stack's outputs: where the origin is, how viewers reach it, and what the capacity checks found.</summary>
public sealed class OutputTests
{
    [Fact]
    public async Task The_prod_stack_exports_its_address_names_sizes_and_capacity_findings()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var outputs = run.Outputs;

        Assert.Equal("65.108.235.165", await StackRun.Value((Output<string>)outputs["originAddress"]!));
        Assert.Equal("live.example.com", outputs["publicHostname"]);
        Assert.Equal("https://live.example.com/live/<token>/stream_<channel>.m3u8", outputs["playlistUrlPattern"]);
        Assert.Equal("https://live.example.com/api/health", outputs["healthCheckUrl"]);
        Assert.Equal(new Capacity.Sizing(StackFile.Prod.Settings).TmpfsSize.ToString(), outputs["tmpfsSize"]);
        // 1000 viewers at 4 Mbit/s exceed the 1 Gbit/s port: the edge must carry them (AUDIT-NOTES #15); and 50
        // channels fetched by 3 upper tiers for 2 Origin headers (one site's players and native ones) exceed it too.
        var findings = ((IEnumerable<string>)outputs["capacityFindings"]!).ToList();
        Assert.Equal(2, findings.Count);
        Assert.StartsWith("warning: origin:capacity.viewers:", findings[0]);
        Assert.StartsWith("warning: origin:capacity.channels:", findings[1]);
    }
}
