using System.Globalization;
using System.Text.Json;
using Origin.Box;

namespace Origin.Bench;

/// <summary>What viewers.lua's done() reports for one run.</summary>
internal sealed record WrkResult(long Requests, long DurationUs, long Bytes, long Connect, long Read, long Write, long Status, long Timeout, long P50Us, long P99Us, long MaxUs)
{
    public double Seconds => DurationUs / 1e6;
    public long SocketErrors => Connect + Read + Write + Timeout;
    /// <summary>wrk counts a response of status 400 or above as a status error; nginx sends no 1xx/3xx here.</summary>
    public long Ok => Requests - Status;
    public double OkPerSecond => Ok / Seconds;
}

/// <summary>One wrk run of the viewer load.</summary>
internal static class Wrk
{
    /// <param name="Connections">Also the number of viewers: one per connection.</param>
    /// <param name="TokensFile">Line n: viewer n's query string (its channel and token).</param>
    public sealed record Load(string Kind, int Connections, string TokensFile, int PauseMs, TimeSpan Duration, TimeSpan Timeout);

    public static WrkResult Run(Load load, int port, OriginBox box, IReadOnlyList<string> channels)
    {
        // wrk holds one descriptor per connection; give it what the machine allows, as for the servers.
        var nofile = Math.Min(load.Connections + 1024, Processes.OpenFileLimit(Environment.ProcessId).Hard);
        var url = $"http://127.0.0.1:{port}{box.Hls.UrlPrefix}";
        var threads = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        string[] args =
        [
            $"--nofile={nofile}:{nofile}", "--", Tools.Wrk, "-t", threads,
            "-c", load.Connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)load.Duration.TotalSeconds}s",
            "--timeout", $"{(int)load.Timeout.TotalSeconds}s", "-s", BenchFiles.ViewersScript, url, "--",
            threads, load.Kind, load.Connections.ToString(CultureInfo.InvariantCulture), load.TokensFile,
            load.PauseMs.ToString(CultureInfo.InvariantCulture), box.HlsDir, box.Hls.PlaylistPrefix.Value, box.Hls.UrlPrefix.Value,
            string.Join(',', channels),
        ];
        var run = Origin.Box.Run.Capture(Tools.Prlimit, args, load.Duration + TimeSpan.FromMinutes(2)).OrThrow("wrk");
        var line = run.Stdout.Split('\n').SingleOrDefault(l => l.StartsWith("WRK_RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result:\n{run.Stdout}{run.Stderr}");
        return JsonSerializer.Deserialize<WrkResult>(line["WRK_RESULT ".Length..], new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
    }
}
