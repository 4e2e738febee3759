using System.Net;

namespace Origin.Box;

/// <summary>
/// HTTP to one of the box's ports on 127.0.0.1 (never anywhere else: no proxy, no redirects), with
/// keep-alive. To nginx it comes as a Cloudflare edge sends it: from loopback, listed as Cloudflare's
/// range in the render, with the viewer's address in CF-Connecting-IP.
/// </summary>
public sealed class LoopbackHttp(int port) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<HttpResponseMessage> Get(string pathAndQuery, string? viewerIp, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery) { Version = HttpVersion.Version11 };
        if (viewerIp is not null) request.Headers.Add("CF-Connecting-IP", viewerIp);
        return await _http.SendAsync(request, cancel);
    }

    /// <summary>Any request, as it is built (its headers as given).</summary>
    public Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken cancel = default) => _http.SendAsync(request, cancel);

    public async Task<(HttpStatusCode Status, string Body)> GetText(string pathAndQuery, string? viewerIp, CancellationToken cancel = default)
    {
        using var response = await Get(pathAndQuery, viewerIp, cancel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    public async Task<(HttpStatusCode Status, string Body)> PostText(string path, CancellationToken cancel = default)
    {
        using var response = await _http.PostAsync(path, null, cancel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    public void Dispose() => _http.Dispose();
}
