using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Origin.Box;

/// <summary>
/// A live channel source on 127.0.0.1 that a test can stall: every GET gets an MPEG-TS file sent at its own bitrate
/// (its length over its duration), from its start, as a live encoder's HTTP output arrives. While stalled it sends
/// nothing on any connection and keeps them open, as a source whose upstream hung does: nothing ends FFmpeg's read
/// but a timeout of its own.
/// </summary>
public sealed class LiveSource : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _media;
    private readonly double _bytesPerSecond;
    private readonly Task _accepting;
    private volatile bool _stalled;

    private LiveSource(string file, double seconds)
    {
        _media = File.ReadAllBytes(file);
        _bytesPerSecond = _media.Length / seconds;
        _listener.Start();
        _accepting = Accept();
    }

    /// <summary>Serves <paramref name="file"/>, <paramref name="seconds"/> long, to every connection.</summary>
    public static LiveSource Start(string file, double seconds) => new(file, seconds);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A URL the API's CHANNEL_SOURCE can carry: "{channel}" is replaced by the API, and ignored here.</summary>
    public string Url => $"http://127.0.0.1:{Port}/{{channel}}.ts";

    /// <summary>Connections served so far: each is one FFmpeg (re)start of a channel.</summary>
    public int Connections => _connections;

    private int _connections;

    public void Stall() => _stalled = true;

    public void Resume() => _stalled = false;

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nConnection: close\r\n\r\n"), _stop.Token);
            // 100 ms of media at a time, on a clock that stops while stalled.
            var chunk = (int)(_bytesPerSecond / 10) / 188 * 188;
            var sent = 0;
            var playing = TimeSpan.Zero;
            var last = DateTime.UtcNow;
            while (sent < _media.Length)
            {
                var now = DateTime.UtcNow;
                if (!_stalled) playing += now - last;
                last = now;
                var due = Math.Min(_media.Length, (int)(playing.TotalSeconds * _bytesPerSecond) / 188 * 188 + chunk);
                if (!_stalled && due > sent)
                {
                    await stream.WriteAsync(_media.AsMemory(sent, due - sent), _stop.Token);
                    sent = due;
                }
                await Task.Delay(100, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the client went away (FFmpeg timed out or was stopped), or the source is shutting down
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
