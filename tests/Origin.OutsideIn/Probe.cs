namespace Origin.OutsideIn;

/// <summary>One request of the scan: a method and a request target, sent exactly as written.</summary>
public sealed record Probe(string Method, string Target)
{
    public override string ToString() => $"{Method} {Target}";
}

/// <summary>What fills the placeholders of probes.txt: a running channel of the origin under test and tokens that are not valid for it.</summary>
public sealed record ProbeValues(string Host, string Channel, string Segment, string OtherChannel, string TokenOther, string TokenExpired, string TokenForged);

/// <summary>probes.txt, the one list of what an outsider tries.</summary>
public static class Probes
{
    public static readonly string[] Methods = ["GET", "HEAD", "OPTIONS", "POST"];

    /// <summary>The URL prefix and playlist prefix probes.txt is written for: the prod stack's.</summary>
    public const string UrlPrefix = "/live/";
    public const string PlaylistPrefix = "stream_";

    public static string File => Path.Combine(AppContext.BaseDirectory, "probes.txt");

    /// <summary>Every probe, each line once per method (or with its own method), placeholders filled.</summary>
    public static IReadOnlyList<Probe> Load(ProbeValues v, string urlPrefix, string playlistPrefix)
    {
        if (urlPrefix != UrlPrefix || playlistPrefix != PlaylistPrefix)
            throw new InvalidOperationException($"probes.txt is written for {UrlPrefix} and {PlaylistPrefix}; this stack has {urlPrefix} and {playlistPrefix}");
        var probes = new List<Probe>();
        foreach (var raw in System.IO.File.ReadAllLines(File))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var target = Fill(line, v);
            var space = target.IndexOf(' ');
            if (space > 0 && Methods.Contains(target[..space])) probes.Add(new Probe(target[..space], target[(space + 1)..]));
            else if (space >= 0) throw new FormatException($"probes.txt: a target holds a space: {line}");
            else probes.AddRange(Methods.Select(m => new Probe(m, target)));
        }
        return probes;
    }

    private static string Fill(string line, ProbeValues v)
    {
        var filled = line.Replace("{host}", v.Host).Replace("{ch}", v.Channel).Replace("{seg}", v.Segment).Replace("{other}", v.OtherChannel)
            .Replace("{token-other}", v.TokenOther).Replace("{token-expired}", v.TokenExpired).Replace("{token-forged}", v.TokenForged);
        return filled.Contains('{') ? throw new FormatException($"probes.txt: an unknown placeholder in {line}") : filled;
    }
}
