using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Origin.Plan.Steps;
using Xunit.Abstractions;

namespace Origin.Tests;

/// <summary>
/// The nginx-build step's binary upgrade (files/nginx-build/upgrade.sh) run against a real nginx
/// (Debian's binary, copied into a scratch prefix as the build installs one) on 127.0.0.1, while a
/// client keeps connecting: the listener never closes, the master moves onto the installed binary,
/// and a binary that cannot start leaves the old master serving.
/// </summary>
public sealed class NginxUpgradeTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDir _root = new();
    private readonly int _port;

    private string Binary => _root["sbin/nginx"];
    private string PidFile => _root["nginx.pid"];

    public NginxUpgradeTests(ITestOutputHelper output)
    {
        _output = output;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var temp = string.Concat(new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(t => $"    {t}_temp_path {_root[t]};\n"));
        _root.Write("nginx.conf", $$"""
            daemon on;
            pid {{PidFile}};
            error_log {{_root["error.log"]}} info;
            worker_processes 2;
            worker_shutdown_timeout {{NginxConfigStep.WorkerShutdownTimeoutSeconds}}s;
            events { worker_connections 256; }
            http {
                access_log off;
            {{temp}}
                server {
                    listen 127.0.0.1:{{_port}};
                    location / { return 200 "ok\n"; }
                }
            }
            """);
        Directory.CreateDirectory(_root["sbin"]);
        File.Copy(Tool.Which("nginx"), Binary);
        var start = Tool.Run(Binary, ["-e", _root["error.log"], "-c", _root["nginx.conf"]]);
        Assert.True(start.ExitCode == 0, start.Output);
    }

    public void Dispose()
    {
        foreach (var pidFile in new[] { PidFile, PidFile + ".oldbin" })
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        _root.Dispose();
    }

    /// <summary>What make install does to the binary (nginx's objs/Makefile, install: the old one is moved to nginx.old).</summary>
    private void Install(byte[] binary)
    {
        File.Move(Binary, Binary + ".old", overwrite: true);
        File.WriteAllBytes(Binary, binary);
        Tool.Succeed("chmod", "755", Binary);
    }

    private Tool.Result Upgrade() => Tool.Run("bash", ["-c",
        "set -Eeuo pipefail; log() { printf 'nginx-build: %s\\n' \"$*\" >&2; }; die() { log \"error: $*\"; exit 1; }\n" +
        NginxBuildStep.Upgrade(PidFile) + "\nupgrade_running_nginx"], timeoutSeconds: 120);

    private int Master => int.Parse(File.ReadAllText(PidFile).Trim());

    private static string? ExeOf(int pid) => new FileInfo($"/proc/{pid}/exe").LinkTarget;

    /// <summary>Connects again and again (a new connection each time, as a new viewer's would) until stopped; counts what failed.</summary>
    private async Task<(int Ok, List<string> Failed)> Hammer(CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var (ok, failed) = (0, new List<string>());
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_port}/");
                request.Headers.ConnectionClose = true;
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK) ok++;
                else failed.Add(((int)response.StatusCode).ToString());
            }
            catch (HttpRequestException e) { failed.Add(e.Message); }
            await Task.Delay(5);
        }
        return (ok, failed);
    }

    [Fact]
    public async Task The_running_master_moves_onto_the_installed_binary_without_a_failed_connection()
    {
        var old = Master;
        Install(File.ReadAllBytes(Tool.Which("nginx")));
        Assert.Equal(Binary + ".old", ExeOf(old));

        using var stop = new CancellationTokenSource();
        var load = Task.Run(() => Hammer(stop.Token));
        await Task.Delay(500);
        var took = Stopwatch.StartNew();
        var upgrade = Upgrade();
        took.Stop();
        await Task.Delay(500);
        stop.Cancel();
        var (ok, failed) = await load;

        _output.WriteLine($"upgrade {took.Elapsed.TotalSeconds:F1} s; {ok} requests, {failed.Count} failed");
        Assert.True(upgrade.ExitCode == 0, upgrade.Output);
        Assert.Empty(failed);
        Assert.True(ok > 20, $"only {ok} requests ran");
        Assert.NotEqual(old, Master);
        Assert.Equal(Binary, ExeOf(Master));
        Assert.False(Directory.Exists($"/proc/{old}") && !File.ReadAllText($"/proc/{old}/stat").Contains(") Z ", StringComparison.Ordinal), "the old master still runs");
        Assert.False(File.Exists(PidFile + ".oldbin"));
    }

    [Fact]
    public async Task A_binary_that_cannot_start_fails_the_upgrade_and_the_old_master_keeps_serving()
    {
        var old = Master;
        Install("#!/bin/sh\nexit 1\n"u8.ToArray());

        var upgrade = Upgrade();

        Assert.NotEqual(0, upgrade.ExitCode);
        Assert.Contains("the new nginx master did not start within 30 s", upgrade.Stderr);
        Assert.Equal(old, Master);
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{_port}/"));
    }
}
