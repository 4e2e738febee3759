using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Origin.Box;

namespace Origin.EndToEnd.Tests;

/// <summary>The listener Cloudflare's Full (strict) mode connects to: TLS 1.2 or 1.3 with the supplied certificate.</summary>
[Collection(OriginCollection.Name)]
public sealed class TlsTests(OriginFixture fixture)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 30_000)]
    public async Task The_tls_listener_serves_playlists_with_the_supplied_certificate()
    {
        var channel = await fixture.LiveChannel();
        var record = Box.Settings.Cloudflare.Record!.Value;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Box.Ports.Https);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, cert, _, _) =>
        {
            presented = cert is null ? null : new X509Certificate2(cert);
            return true; // the box's certificate is self-signed; the test compares it with the one supplied
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = record,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
        Assert.True(tls.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {tls.SslProtocol}");
        Assert.NotNull(presented);
        Assert.Contains(record, presented!.Subject);

        var request = $"GET {Box.PlaylistUrl(channel, Box.Token(channel))} HTTP/1.1\r\nHost: {record}\r\nCF-Connecting-IP: {fixture.NewViewerIp()}\r\nConnection: close\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains("#EXTM3U", response);
    }
}
