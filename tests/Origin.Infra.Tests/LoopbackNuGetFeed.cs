using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Origin.Infra.Tests;

/// <summary>An advisory as NuGet's vulnerability page carries it: the package, a version range, a severity (0 low .. 3 critical).</summary>
internal sealed record Advisory(string PackageId, string Versions, int Severity, string Url);

/// <summary>
/// A NuGet V3 feed on 127.0.0.1 holding the packages of a local packages folder (the global packages
/// folder's layout, id/version/id.version.nupkg), and advertising vulnerability data, as nuget.org does.
/// Only the two resources restore reads:
/// - PackageBaseAddress/3.0.0, the flat container: {base}/{id}/index.json lists the versions,
///   {base}/{id}/{version}/{id}.{version}.nupkg is the package (https://learn.microsoft.com/en-us/nuget/api/package-base-address-resource);
/// - VulnerabilityInfo/6.7.0: an index of pages, each page an object from lower-case package id to
///   advisories { url, severity, versions } (https://learn.microsoft.com/en-us/nuget/api/vulnerability-info).
/// The service index is https://learn.microsoft.com/en-us/nuget/api/service-index.
/// </summary>
internal sealed class LoopbackNuGetFeed : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string? _packages;
    private readonly IReadOnlyList<Advisory>? _advisories;
    private readonly Task _serving;

    public string ServiceIndex => $"{BaseUrl}v3/index.json";
    public string BaseUrl { get; }

    /// <summary>Every path requested, with the status answered.</summary>
    public ConcurrentQueue<(string Path, int Status)> Requests { get; } = new();

    /// <param name="packagesFolder">The packages served; null: none (every package is a 404, as on a source that does not have it).</param>
    /// <param name="advisories">The advisories of the vulnerability page; null: the page answers 500, as a broken source would.</param>
    public LoopbackNuGetFeed(string? packagesFolder, IReadOnlyList<Advisory>? advisories)
    {
        _packages = packagesFolder;
        _advisories = advisories;
        BaseUrl = $"http://127.0.0.1:{Origin.Box.LoopbackPorts.Pick(1)[0]}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var (status, body, type) = Resolve(path);
        Requests.Enqueue((path, status));
        using var response = context.Response;
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod != "HEAD") response.OutputStream.Write(body);
    }

    private (int Status, byte[] Body, string Type) Resolve(string path)
    {
        const string json = "application/json";
        var parts = path.Trim('/').Split('/');
        switch (parts)
        {
            case ["v3", "index.json"]:
                return (200, Json(new
                {
                    version = "3.0.0",
                    resources = new object[]
                    {
                        new Dictionary<string, string> { ["@id"] = $"{BaseUrl}flat/", ["@type"] = "PackageBaseAddress/3.0.0" },
                        new Dictionary<string, string> { ["@id"] = $"{BaseUrl}vulnerabilities/index.json", ["@type"] = "VulnerabilityInfo/6.7.0" },
                    },
                }), json);
            case ["vulnerabilities", "index.json"]:
                return (200, Json(new[]
                {
                    new Dictionary<string, string>
                    {
                        ["@name"] = "base", ["@id"] = $"{BaseUrl}vulnerabilities/base.json", ["@updated"] = "2026-01-01T00:00:00Z",
                    },
                }), json);
            case ["vulnerabilities", "base.json"] when _advisories is null:
                return (500, Encoding.UTF8.GetBytes("unavailable"), "text/plain");
            case ["vulnerabilities", "base.json"]:
                return (200, Json(_advisories.GroupBy(a => a.PackageId.ToLowerInvariant()).ToDictionary(
                    g => g.Key, g => g.Select(a => new { url = a.Url, severity = a.Severity, versions = a.Versions }).ToArray())), json);
            case ["flat", _, ..] when _packages is null:
                return (404, Encoding.UTF8.GetBytes("not found"), "text/plain");
            case ["flat", var id, "index.json"] when Directory.Exists(PackageDir(id)):
                var versions = Directory.EnumerateDirectories(PackageDir(id)).Select(Path.GetFileName)
                    .Where(v => File.Exists(Nupkg(id, v!))).ToArray();
                return (200, Json(new { versions }), json);
            case ["flat", var id, var version, var file] when file == $"{id}.{version}.nupkg" && File.Exists(Nupkg(id, version)):
                return (200, File.ReadAllBytes(Nupkg(id, version)), "application/octet-stream");
            default:
                return (404, Encoding.UTF8.GetBytes("not found"), "text/plain");
        }
    }

    private string PackageDir(string id) => Path.Combine(_packages!, id.ToLowerInvariant());

    private string Nupkg(string id, string version) =>
        Path.Combine(PackageDir(id), version.ToLowerInvariant(), $"{id.ToLowerInvariant()}.{version.ToLowerInvariant()}.nupkg");

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
