using System.Diagnostics;
using System.Net;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The rendered nginx files of a plan laid out under a scratch root as the nginx-config step and the build
/// leave them on the host, with only paths relocated, for that release's nginx to test (-t) or serve.
/// </summary>
internal sealed class RenderedNginx : IDisposable
{
    public const string HlsDir = "/var/www/hls";
    public const string TokenKey = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

    public TempDir Root { get; } = new();
    public ReleaseTools Tools { get; }
    public string Conf => Root["/opt/nginx/nginx.conf"];

    public RenderedNginx(int release, HostPlan plan, Func<string, string>? change = null)
    {
        Tools = ReleaseTools.For(release);
        // nginx's workers (www-data) must reach the HLS directory under the scratch root.
        Chmod(Root.Path, (UnixFileMode)0b111_101_101);
        var relocate = Relocation.Under(Root.Path, "/opt/nginx", "/var/log/nginx", "/var/cache/nginx", "/etc/origin-stack", HlsDir, "/run/nginx");
        foreach (var f in plan["nginx-config"].Files.Where(f => f.Path.StartsWith("/opt/nginx/", StringComparison.Ordinal)))
            Root.Write(f.Path, relocate.Text(f.Content));
        if (change is not null) File.WriteAllText(Conf, change(File.ReadAllText(Conf)));
        Root.Write("/opt/nginx/mime.types", Tools.ReadFile("/etc/nginx/mime.types"));
        // The stack builds the perl module as a dynamic module into its prefix; the release's Debian
        // build of it (libnginx-mod-http-perl, in the tools rootfs for Debian 13) stands in. The scratch
        // directory has the same path inside the rootfs, so the link resolves to that release's module.
        Directory.CreateDirectory(Root["/opt/nginx/modules"]);
        File.CreateSymbolicLink(Root["/opt/nginx/modules/ngx_http_perl_module.so"], "/usr/lib/nginx/modules/ngx_http_perl_module.so");
        var keys = plan["nginx-config"].Supplied.Single(f => f.Supply == Supply.TokenKeys);
        Root.Write(keys.Path, keys.Render(Supplies.JoinTokenKeys(TokenKey, null)));
        // What the nginx-config apply script creates on the host.
        foreach (var dir in new[] { "/var/log/nginx", "/var/cache/nginx", "/run/nginx", HlsDir })
            Directory.CreateDirectory(Root[dir]);
        Chmod(Root[HlsDir], (UnixFileMode)0b111_101_101);
        var tls = Root["/etc/origin-stack/tls"];
        Directory.CreateDirectory(tls);
        Tool.Succeed("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=live.example.com", "-keyout", Path.Combine(tls, "origin.key"), "-out", Path.Combine(tls, "origin.crt"));
    }

    public Tool.Result Test() => Tools.Run(Root, "nginx", ["-t", "-c", Conf, "-p", Path.GetDirectoryName(Conf) + "/"]);

    /// <summary>A file of the HLS directory, readable by the workers.</summary>
    public void WriteMedia(string name, byte[] content)
    {
        var path = Path.Combine(Root[HlsDir], name);
        File.WriteAllBytes(path, content);
        Chmod(path, (UnixFileMode)0b110_100_100);
    }

    /// <summary>
    /// Serves the config on loopback: its public listeners moved to free ports of 127.0.0.1 and the same ports
    /// of [::1] (IPv4 and IPv6 alike), the stub_status one too (the only change to the text besides paths). Stopped on dispose of the returned handle.
    /// </summary>
    public Served Serve(int statusPort)
    {
        var ports = FreePorts(3);
        var text = File.ReadAllText(Conf)
            .Replace("listen 80 ", $"listen 127.0.0.1:{ports[0]} ")
            .Replace("listen 443 ", $"listen 127.0.0.1:{ports[1]} ")
            .Replace("listen [::]:80 ", $"listen [::1]:{ports[0]} ")
            .Replace("listen [::]:443 ", $"listen [::1]:{ports[1]} ")
            .Replace($"listen 127.0.0.1:{statusPort};", $"listen 127.0.0.1:{ports[2]};");
        File.WriteAllText(Conf, text);
        var process = Tools.Start(Root, "nginx", "-c", Conf, "-p", Path.GetDirectoryName(Conf) + "/", "-g", "daemon off;");
        var http = new IPEndPoint(IPAddress.Loopback, ports[0]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Listening(http))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                ReleaseTools.Stop(process);
                Assert.Fail($"nginx of Debian {Tools.Release.Number} did not serve the rendered config:\n{process.StandardError.ReadToEnd()}\n{File.ReadAllText(Root["/var/log/nginx/error.log"])}");
            }
            Thread.Sleep(100);
        }
        return new Served(process, http, new IPEndPoint(IPAddress.IPv6Loopback, ports[0]));
    }

    private static bool Listening(IPEndPoint endpoint)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            client.Connect(endpoint);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public sealed class Served(Process process, IPEndPoint http, IPEndPoint httpV6) : IDisposable
    {
        public IPEndPoint Http { get; } = http;
        public IPEndPoint HttpV6 { get; } = httpV6;
        public void Dispose() => ReleaseTools.Stop(process);
    }

    public void Dispose() => Root.Dispose();

    private static void Chmod(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("nginx is run on Linux");
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Free TCP ports of 127.0.0.1, all distinct.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
