using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Origin.Viewers;

/// <summary>
/// Another site that embeds the player: the test page served on a host name and port of its own (Kestrel, 127.0.0.1
/// only), so every playlist and segment request the page makes to the media host is cross-origin, as it is for
/// every real embedding site (the media host serves media only). Chromium resolves <see cref="HostName"/> to
/// 127.0.0.1 like the zone's record (<see cref="HlsJsPlayers.Launch"/>).
/// </summary>
public sealed class PlayerSite : IAsyncDisposable
{
    /// <summary>A name of its own, another site than the zone's (RFC 2606 reserves example.net).</summary>
    public const string HostName = "player.example.net";

    private readonly WebApplication _app;

    public int Port { get; private set; }

    /// <summary>Where the page's URL starts: the origin the browser sends in its Origin header.</summary>
    public Uri Page => new($"http://{HostName}:{Port}");

    private PlayerSite()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = PlayerPage.UrlPrefix.TrimEnd('/'),
            FileProvider = new PhysicalFileProvider(PlayerPage.Directory),
            ServeUnknownFileTypes = false,
        });
    }

    public static async Task<PlayerSite> Start()
    {
        PlayerPage.RequireInstalled();
        var site = new PlayerSite();
        await site._app.StartAsync();
        site.Port = new Uri(site._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
