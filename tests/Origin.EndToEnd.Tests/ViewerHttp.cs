using System.Net;
using System.Net.Sockets;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// A viewer's HTTP client to the edge stand-in, connecting from its own loopback address (all of 127.0.0.0/8 is
/// loopback on Linux), so the edge sees distinct viewers by their TCP peer as Cloudflare does. It sends the
/// zone's host name in the Host header, as a browser that resolved it would.
/// </summary>
public sealed class ViewerHttp(int edgePort, string viewerAddress, string hostName) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancel) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(viewerAddress), 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, edgePort), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri($"http://{hostName}:{edgePort}"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<HttpResponseMessage> Get(string pathAndQuery, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        return await _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();
}
