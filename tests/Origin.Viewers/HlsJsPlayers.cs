using System.Text.Json;
using Microsoft.Playwright;
using Origin.Box;

namespace Origin.Viewers;

/// <summary>
/// hls.js in Debian's Chromium, headless, through Playwright. The page (tests/players) is served by the edge on
/// the zone's host name, which Chromium resolves to 127.0.0.1 (--host-resolver-rules): the player sends the
/// Host header a viewer's browser sends, and no request leaves loopback. hls.js comes from tests/players/node_modules
/// (npm ci, see <see cref="PlayerPage"/>).
/// </summary>
public sealed class HlsJsPlayers : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HlsJsPlayers(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    /// <param name="hostNames">The host names the page and the media are on, each resolved to 127.0.0.1.</param>
    public static async Task<HlsJsPlayers> Launch(params string[] hostNames)
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing (apt-get install chromium)");
        PlayerPage.RequireInstalled();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
                    // Several viewers play at once: none of their pages may be throttled as a background one.
                    "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
                    "--host-resolver-rules=" + string.Join(", ", hostNames.Select(h => $"MAP {h} 127.0.0.1")),
                ],
            });
            return new HlsJsPlayers(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens the player page on its own browser context (its own HTTP cache, as a separate viewer) playing <paramref name="playlistUrl"/>.</summary>
    /// <param name="freshSource">What the app answers when the page asks for a fresh URL after a 403 (the token ran out).</param>
    public async Task<HlsJsViewer> Open(Uri pageBase, string playlistUrl, Func<Task<string>>? freshSource = null)
    {
        var context = await _browser.NewContextAsync();
        if (freshSource is not null) await context.ExposeFunctionAsync("freshSource", freshSource);
        var page = await context.NewPageAsync();
        var url = new Uri(pageBase, $"{PlayerPage.UrlPrefix}index.html?src={Uri.EscapeDataString(playlistUrl)}");
        await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
        return new HlsJsViewer(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>One hls.js viewer: a page in its own browser context.</summary>
public sealed class HlsJsViewer(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly DateTime _opened = DateTime.UtcNow;

    /// <summary>What the page recorded so far (a stall still going on counts as far as it lasted).</summary>
    public async Task<ViewerRecord> Record()
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.viewerNow()");
        TimeSpan Ms(JsonElement e) => e.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(e.GetDouble())
            : throw new FormatException($"the page recorded {e} where a number of milliseconds belongs: {json}");
        var waits = json.GetProperty("stalls").EnumerateArray().ToList();
        if (json.GetProperty("stalling") is { ValueKind: JsonValueKind.Object } ongoing) waits.Add(ongoing);
        // A wait with media buffered ahead is the decoder or a gap jump, not delivery: counted apart.
        var starved = waits.ToLookup(w => w.GetProperty("ahead").GetDouble() < ViewerRecord.StarvedBelowSeconds, w => Ms(w.GetProperty("ms")));
        return new ViewerRecord(
            "hls.js",
            json.GetProperty("firstFrameMs") is { ValueKind: JsonValueKind.Number } f ? Ms(f) : null,
            starved[true].ToList(),
            json.GetProperty("buffer").EnumerateArray().Select(b => b.GetProperty("ahead").GetDouble()).ToList(),
            json.GetProperty("playlists").EnumerateArray()
                .Select(p => new PlaylistView(Ms(p.GetProperty("at")), p.GetProperty("first").GetInt64(), p.GetProperty("last").GetInt64())).ToList(),
            json.GetProperty("errors").EnumerateArray()
                .Select(e => $"{e.GetProperty("details").GetString()}{(e.GetProperty("code") is { ValueKind: JsonValueKind.Number } code ? $" {code}" : "")}" +
                             $"{(e.GetProperty("fatal").GetBoolean() ? " (fatal)" : "")}").ToList(),
            DateTime.UtcNow - _opened,
            // Playwright's JSON for objects carries its reference id, "$id", beside their own properties.
            json.GetProperty("steps").EnumerateObject().Where(p => !p.Name.StartsWith('$')).Select(p => (p.Name, Ms(p.Value))).ToList(),
            starved[false].ToList(),
            json.GetProperty("recoveries").EnumerateArray()
                .Select(r => new Recovery(Ms(r.GetProperty("at")), r.GetProperty("frameMs") is { ValueKind: JsonValueKind.Number } f ? Ms(f) : null)).ToList());
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}

/// <summary>The test page and its hls.js, in tests/players.</summary>
public static class PlayerPage
{
    /// <summary>Where the edge serves the page (a site page on the zone's host name, not a cached path).</summary>
    public const string UrlPrefix = "/player/";

    public static string Directory => Path.Combine(Repo.Root, "tests", "players");

    /// <summary>An edge stand-in's options that serve the page on the zone's host name.</summary>
    public static Origin.EdgeStandIn.EdgeOptions EdgeServing => new() { SitePages = new Dictionary<string, string> { [UrlPrefix] = Directory } };

    /// <summary>Throws unless npm ci has installed hls.js from the lockfile.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "hls.js", "dist", "hls.min.js")))
            throw new InvalidOperationException($"hls.js is not installed: run (cd {Directory} && npm ci)");
    }
}
