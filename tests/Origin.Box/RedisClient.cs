using System.Net.Sockets;
using System.Text;

namespace Origin.Box;

/// <summary>
/// A minimal RESP client for the tests' own Redis calls (tokens, stream records). Reconnects once when
/// the server restarted under it; commands are serialized.
/// </summary>
public sealed class RedisClient(int port, string password) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private TcpClient? _tcp;
    private BufferedStream? _stream;

    public sealed class RedisErrorException(string message) : Exception(message);

    /// <summary>Sends one command: a bulk or simple string, a long, null, or an array of those.</summary>
    public async Task<object?> Call(params string[] args) => (await Pipeline([args]))[0];

    /// <summary>Sends every command, then reads every reply.</summary>
    public async Task<IReadOnlyList<object?>> Pipeline(IReadOnlyList<string[]> commands)
    {
        await _lock.WaitAsync();
        try
        {
            try
            {
                return await Exchange(commands);
            }
            catch (IOException)
            {
                Disconnect();
                return await Exchange(commands);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<string?> Get(string key) => (string?)await Call("GET", key);

    public async Task SetWithTtl(string key, string value, TimeSpan ttl) =>
        await Call("SET", key, value, "PX", ((long)ttl.TotalMilliseconds).ToString());

    public async Task<bool> Exists(string key) => (long)(await Call("EXISTS", key))! == 1;

    public async Task<Dictionary<string, string>> HashGetAll(string key)
    {
        var flat = (object?[])(await Call("HGETALL", key))!;
        return Enumerable.Range(0, flat.Length / 2).ToDictionary(i => (string)flat[2 * i]!, i => (string)flat[2 * i + 1]!);
    }

    private async Task<IReadOnlyList<object?>> Exchange(IReadOnlyList<string[]> commands)
    {
        // A server that stops answering fails the call instead of hanging the test.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var cancel = timeout.Token;
        var stream = await Connected(cancel);
        await Write(stream, commands, cancel);
        var replies = new List<object?>(commands.Count);
        for (var i = 0; i < commands.Count; i++) replies.Add(await Read(stream, cancel));
        var error = replies.OfType<RedisErrorException>().FirstOrDefault();
        return error is null ? replies : throw error;
    }

    private async Task<Stream> Connected(CancellationToken cancel)
    {
        if (_stream is not null) return _stream;
        _tcp = new TcpClient();
        try
        {
            await _tcp.ConnectAsync("127.0.0.1", port, cancel);
        }
        catch (SocketException e)
        {
            Disconnect();
            throw new IOException($"redis on 127.0.0.1:{port}: {e.Message}", e);
        }
        _stream = new BufferedStream(_tcp.GetStream());
        await Write(_stream, [["AUTH", password]], cancel);
        if (await Read(_stream, cancel) is RedisErrorException e2) throw e2;
        return _stream;
    }

    private static async Task Write(Stream stream, IEnumerable<string[]> commands, CancellationToken cancel)
    {
        var request = new StringBuilder();
        foreach (var args in commands)
        {
            request.Append('*').Append(args.Length).Append("\r\n");
            foreach (var a in args) request.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancel);
        await stream.FlushAsync(cancel);
    }

    private static async Task<object?> Read(Stream stream, CancellationToken cancel)
    {
        var line = await ReadLine(stream, cancel);
        var rest = line[1..];
        switch (line[0])
        {
            case '+': return rest;
            case '-': return new RedisErrorException(rest);
            case ':': return long.Parse(rest);
            case '$':
                var length = int.Parse(rest);
                if (length < 0) return null;
                var buffer = new byte[length + 2];
                await stream.ReadExactlyAsync(buffer, cancel);
                return Encoding.UTF8.GetString(buffer, 0, length);
            case '*':
                var count = int.Parse(rest);
                if (count < 0) return null;
                var items = new object?[count];
                for (var i = 0; i < count; i++) items[i] = await Read(stream, cancel);
                return items;
            default: throw new IOException($"unexpected RESP reply: {line}");
        }
    }

    private static async Task<string> ReadLine(Stream stream, CancellationToken cancel)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancel) == 0) throw new IOException("redis closed the connection");
            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r') return Encoding.UTF8.GetString([.. bytes[..^1]]);
            bytes.Add(one[0]);
        }
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _tcp?.Dispose();
        (_stream, _tcp) = (null, null);
    }

    public void Dispose()
    {
        Disconnect();
        _lock.Dispose();
    }
}
