using System.Net;
using System.Text;

namespace Origin.OutsideIn;

/// <summary>One probe's answer, and why it is a failure (null: it is not).</summary>
public sealed record ProbeResult(Probe Probe, int Status, int BodyBytes, string? Failure)
{
    public override string ToString() => $"{Probe} -> {Status} ({BodyBytes} bytes){(Failure is null ? "" : ": " + Failure)}";
}

/// <summary>
/// Sends every probe of probes.txt and judges each answer: a 2xx, or a body with a playlist's or an MPEG-TS
/// segment's bytes, is a failure, since no probe carries a valid token for the media it names.
/// </summary>
public static class OutsideInScan
{
    /// <param name="from">The local address of the n-th probe's connection (each its own, so no per-address limit hides an answer), or null for the default.</param>
    public static async Task<IReadOnlyList<ProbeResult>> Run(IPEndPoint server, IReadOnlyList<Probe> probes, string host,
        Func<int, IPAddress?>? from = null, Func<int, IReadOnlyDictionary<string, string>>? headers = null)
    {
        var results = new List<ProbeResult>();
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            var answer = await RawHttp.Send(server, probe.Method, probe.Target, host, headers?.Invoke(i), from?.Invoke(i));
            results.Add(new ProbeResult(probe, answer.Status, answer.Body.Length, Judge(answer)));
        }
        return results;
    }

    public static string? Judge(RawResponse answer) =>
        answer.Status is >= 200 and < 300 ? $"a {answer.Status} without a valid token"
        : MediaIn(answer.Body) is { } media ? $"{media} in a {answer.Status}"
        : null;

    /// <summary>What media the body holds: a playlist's tag, or three MPEG-TS packets in a row (sync byte 0x47 every 188 bytes, ISO/IEC 13818-1 2.4.3.2).</summary>
    public static string? MediaIn(byte[] body)
    {
        if (body.AsSpan().IndexOf("#EXTM3U"u8) >= 0 || body.AsSpan().IndexOf("#EXTINF"u8) >= 0) return "a playlist";
        for (var i = 0; i + 2 * 188 < body.Length; i++)
            if (body[i] == 0x47 && body[i + 188] == 0x47 && body[i + 376] == 0x47) return "MPEG-TS packets";
        return null;
    }

    /// <summary>A summary line and the failures, for an assertion message.</summary>
    public static string Report(IReadOnlyList<ProbeResult> results)
    {
        var failed = results.Where(r => r.Failure is not null).ToList();
        var text = new StringBuilder($"{results.Count} probes, {failed.Count} failed; statuses: " +
            string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
        foreach (var f in failed) text.Append("\n  ").Append(f);
        return text.ToString();
    }
}
