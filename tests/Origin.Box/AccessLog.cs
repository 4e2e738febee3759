using System.Globalization;
using System.Text.RegularExpressions;

namespace Origin.Box;

/// <summary>One line of the rendered nginx.conf's "origin" log format: what reached the origin.</summary>
public sealed record AccessLine(string RemoteAddr, string CfRay, DateTimeOffset At, string Method, string Uri, int Status);

/// <summary>The origin's access log, read after nginx wrote out its buffers.</summary>
public static partial class AccessLog
{
    // $remote_addr "$http_cf_ray" [$time_local] "$request_method $uri $server_protocol" $status ...
    [GeneratedRegex(@"^(\S+) ""([^""]*)"" \[([^\]]+)\] ""(\S+) (\S+) [^""]*"" (\d{3}) ")]
    private static partial Regex Line();

    /// <summary>Every request logged so far. nginx buffers the log (buffer=64k flush=5s) and writes it out when
    /// told to reopen its logs (SIGUSR1 to the master), which this does first.</summary>
    public static async Task<IReadOnlyList<AccessLine>> Read(OriginBox box)
    {
        Processes.Signal(box.Nginx.MainPid, Processes.SigUsr1);
        await Task.Delay(500);
        var path = box.Root["/var/log/nginx/access.log"];
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<AccessLine>();
        while (await reader.ReadLineAsync() is { } text)
            if (Line().Match(text) is { Success: true } m)
                lines.Add(new AccessLine(m.Groups[1].Value, m.Groups[2].Value,
                    LocalTime(m.Groups[3].Value),
                    m.Groups[4].Value, m.Groups[5].Value, int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture)));
        return lines;
    }

    /// <summary>$time_local, "01/Dec/2026:08:55:00 +0000": .NET reads the offset only with a colon in it.</summary>
    private static DateTimeOffset LocalTime(string text) =>
        DateTimeOffset.ParseExact(text.Insert(text.Length - 2, ":"), "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
