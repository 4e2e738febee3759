using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>HTTP/1.1, an empty Connection header and gunicorn's gthread worker keep upstream connections open (AUDIT-NOTES #9).</summary>
[Collection(OriginCollection.Name)]
public sealed class KeepAliveTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 60_000)]
    public async Task Nginx_reuses_its_connections_to_the_api()
    {
        const int clients = 4, perClient = 100;
        var health = Box.Settings.Nginx.ApiPrefix!.Value + "health";
        var (requestsBefore, connectionsBefore) = await Box.ApiCounters();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            // A new viewer every 25 requests stays under the per-address limit of the API location.
            var viewer = fixture.NewViewerIp();
            for (var i = 0; i < perClient; i++)
            {
                if (i % 25 == 24) viewer = fixture.NewViewerIp();
                Assert.Equal(HttpStatusCode.OK, (await Box.Edge.GetText(health, viewer)).Status);
            }
        }));
        var (requestsAfter, connectionsAfter) = await Box.ApiCounters();
        var (served, accepted) = (requestsAfter - requestsBefore, connectionsAfter - connectionsBefore);
        output.WriteLine($"{served} requests reached the API over {accepted} new TCP connections");
        Assert.True(served >= clients * perClient);
        // Without keep-alive every request is a connection; with it, each worker needs at most one per concurrent request.
        Assert.True(accepted <= clients * Box.NginxWorkers().Count, $"{accepted} connections for {served} requests");
    }
}
