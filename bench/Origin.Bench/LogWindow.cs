using System.Text.RegularExpressions;

namespace Origin.Bench;

/// <summary>
/// What a server logged during one run: the statuses it sent (its access log, both log formats end the
/// request line with the protocol and then the status) and the distinct errors it reported.
/// </summary>
internal sealed partial class LogWindow(Server server)
{
    private readonly long _access = Length(server.AccessLog);
    private readonly long _errors = Length(server.ErrorLog);

    [GeneratedRegex(@"HTTP/[\d.]+"" (\d{3}) ")]
    private static partial Regex StatusField();

    // "2026/11/25 09:33:53 [alert] 4321#4321: *99 message": the level and the message, numbers folded.
    [GeneratedRegex(@"^\S+ \S+ \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$")]
    private static partial Regex ErrorLine();

    public (IReadOnlyDictionary<int, long> Statuses, IReadOnlyList<string> Errors) Read()
    {
        // nginx writes buffered access logs out when told to reopen them.
        Origin.Box.Processes.Signal(server.MasterPid, Origin.Box.Processes.SigUsr1);
        Thread.Sleep(500);
        var statuses = Lines(server.AccessLog, _access)
            .Select(l => StatusField().Match(l)).Where(m => m.Success)
            .GroupBy(m => int.Parse(m.Groups[1].Value)).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (long)g.Count());
        var errors = Lines(server.ErrorLog, _errors)
            .Select(l => ErrorLine().Match(l)).Where(m => m.Success && m.Groups[1].Value is "alert" or "crit" or "error" or "emerg")
            .GroupBy(m => $"[{m.Groups[1].Value}] {Regex.Replace(m.Groups[2].Value, @"\d+", "N")}")
            .OrderByDescending(g => g.Count()).Take(3).Select(g => $"{g.Key} (x{g.Count()})").ToList();
        return (statuses, errors);
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static IEnumerable<string> Lines(string path, long from)
    {
        if (!File.Exists(path)) yield break;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
