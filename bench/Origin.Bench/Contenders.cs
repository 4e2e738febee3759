using Origin.Box;

namespace Origin.Bench;

/// <summary>An nginx under load: where it listens and logs, and its master.</summary>
internal sealed class Server(string name, int port, string accessLog, string errorLog, UnitProcess unit, bool owned) : IAsyncDisposable
{
    public string Name => name;
    public int Port => port;
    public string AccessLog => accessLog;
    public string ErrorLog => errorLog;
    public int MasterPid => unit.MainPid;

    public async ValueTask DisposeAsync()
    {
        if (owned) await unit.DisposeAsync();
    }
}

/// <summary>The three configurations, each serving the box's HLS directory under the same URLs.</summary>
internal static class Contenders
{
    public static readonly string[] Names = ["before", "audit", "stack"];

    public static async Task<Server> Start(string name, OriginBox box) => name switch
    {
        // The audited host: systemd's default limit, soft 1024 (hard 524288).
        "before" => await FromTemplate(box, name, UnitProcess.DefaultLimitNofile),
        // The audit's override.conf: LimitNOFILE=100000.
        "audit" => await FromTemplate(box, name, "100000"),
        // The rendered prod config, already running in the box.
        "stack" => new Server(name, box.Ports.Http, box.Root["/var/log/nginx/access.log"], box.Root["/var/log/nginx/error.log"], box.Nginx, owned: false),
        _ => throw new ArgumentException($"no configuration {name}; there are {string.Join(", ", Names)}"),
    };

    private static async Task<Server> FromTemplate(OriginBox box, string name, string limitNofile)
    {
        var dir = box.Root.CreateDirectory($"/srv/bench/{name}");
        var port = LoopbackPorts.Pick(1)[0];
        var conf = File.ReadAllText(BenchFiles.Config(name))
            .Replace("{{dir}}", dir).Replace("{{port}}", port.ToString()).Replace("{{hls}}", box.HlsDir).Replace("{{api_port}}", box.Ports.Api.ToString());
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), conf);
        var nginx = $"{Tools.Nginx} -c {dir}/nginx.conf -e {dir}/error.log";
        // The unit Debian ships for its nginx, reduced to what the box runs.
        var unit = new SystemdUnit(name,
            $"[Service]\nType=forking\nPIDFile={dir}/nginx.pid\nExecStartPre={nginx} -t -q\nExecStart={nginx}\n" +
            $"ExecStop=/bin/kill -s QUIT $MAINPID\nLimitNOFILE={limitNofile}\n");
        using var probe = new LoopbackHttp(port);
        var service = await UnitProcess.Start(unit, box.Root, async () => (await probe.GetText("/", null)).Status != 0, TimeSpan.FromSeconds(20));
        return new Server(name, port, Path.Combine(dir, "access.log"), Path.Combine(dir, "error.log"), service, owned: true);
    }
}
