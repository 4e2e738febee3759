using System.Net;
using System.Net.Sockets;

namespace Origin.Box;

/// <summary>Free TCP ports on 127.0.0.1, all distinct: each is held until every one is picked.</summary>
public static class LoopbackPorts
{
    public static int[] Pick(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
