using System.Net;
using Origin.Box;

namespace Origin.Bench;

/// <summary>How far behind the file on disk the playlists served during a run were.</summary>
internal sealed record Staleness(int Samples, int Stale, long MaxLagSegments, int Refused)
{
    public override string ToString() => Samples == 0 ? $"no playlist served ({Refused} refused)" : $"{Stale}/{Samples}" + (Stale > 0 ? $", up to {MaxLagSegments} segments behind" : "");
}

/// <summary>
/// A viewer of its own polling one channel's playlist through the server under load, four times a
/// second (under the per-token limit), comparing each with the playlist on disk when it was asked for.
/// </summary>
internal sealed class StalenessProbe(OriginBox box, int port, string channel, string viewerIp, string token) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task<Staleness>? _running;

    public void Start() => _running = Task.Run(Poll);

    private async Task<Staleness> Poll()
    {
        using var http = new LoopbackHttp(port);
        var (samples, stale, maxLag, refused) = (0, 0, 0L, 0);
        var file = box.PlaylistFile(channel);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var onDisk = Playlist.ReadFile(file)?.MediaSequence;
                var (status, body) = await http.GetText(box.PlaylistUrl(channel, token), viewerIp, _stop.Token);
                if (status == HttpStatusCode.OK && onDisk is { } disk && Playlist.TryParse(body) is { } served)
                {
                    samples++;
                    var lag = disk - served.MediaSequence;
                    if (lag > 0) stale++;
                    maxLag = Math.Max(maxLag, lag);
                }
                else refused++;
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (HttpRequestException)
            {
                refused++;
            }
        }
        return new Staleness(samples, stale, maxLag, refused);
    }

    public async Task<Staleness> Stop()
    {
        await _stop.CancelAsync();
        return await _running!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await Stop();
        _stop.Dispose();
    }
}
