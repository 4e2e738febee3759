using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Origin.OutsideIn;

/// <summary>An answer as it came off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>
/// HTTP/1.1 over a plain socket to a loopback port, one request per connection: the request line goes out byte
/// for byte as given, where HttpClient (System.Uri) would resolve dot segments and unescape the target first.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> Send(IPEndPoint server, string method, string target, string host,
        IReadOnlyDictionary<string, string>? headers = null, IPAddress? from = null, TimeSpan? timeout = null)
    {
        if (!IPAddress.IsLoopback(server.Address)) throw new ArgumentException("probes go to loopback only", nameof(server));
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(server, cancel.Token);
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Append($"{name}: {value}\r\n");
        if (method == "POST") request.Append("Content-Length: 0\r\n");
        request.Append("\r\n");
        await socket.SendAsync(Encoding.Latin1.GetBytes(request.ToString()), cancel.Token);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, cancel.Token)) > 0) received.Write(buffer, 0, n);
        return Parse(received.ToArray(), method == "HEAD");
    }

    private static RawResponse Parse(byte[] raw, bool head)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) throw new InvalidDataException($"no complete response head in {raw.Length} bytes");
        var lines = Encoding.Latin1.GetString(raw, 0, end).Split("\r\n");
        var status = lines[0].Split(' ', 3) is [var version, var code, ..] && version.StartsWith("HTTP/1.", StringComparison.Ordinal)
            ? int.Parse(code) : throw new InvalidDataException($"not a status line: {lines[0]}");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p.Length > 1 ? p[1].Trim() : "")).ToList();
        var body = head ? [] : raw[(end + 4)..];
        if (headers.Any(h => h.Item1.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Item2.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
            body = Dechunk(body);
        return new RawResponse(status, headers, body);
    }

    /// <summary>A chunked body's data (RFC 9112 section 7.1), trailers ignored.</summary>
    private static byte[] Dechunk(byte[] chunked)
    {
        var data = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) throw new InvalidDataException("a chunk size line without its end");
            var size = Convert.ToInt32(Encoding.Latin1.GetString(chunked, at, lineEnd).Split(';')[0].Trim(), 16);
            at += lineEnd + 2;
            if (size == 0) return data.ToArray();
            data.Write(chunked, at, size);
            at += size + 2;
        }
    }
}
