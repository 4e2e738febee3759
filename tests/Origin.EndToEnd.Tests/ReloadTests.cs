using System.Net;
using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// nginx reloaded as `systemctl reload` runs its unit's ExecReload=, and its logs rotated by logrotate
/// with the rendered /etc/logrotate.d/origin-nginx (USR1 to the master, which reopens them). A box
/// of its own: the rotation must not move the logs other tests read. The box runs without systemd's
/// sandbox; tests/vm/lib/assert-sandbox.sh does the same under it in the VM rehearsal.
/// </summary>
public sealed class ReloadTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task A_reload_replaces_the_workers_and_a_rotated_log_is_reopened_without_a_lost_request()
    {
        await using var box = await OriginBox.Start();
        using var status = new LoopbackHttp(box.Ports.Status);
        var master = box.Nginx.MainPid;
        var before = box.NginxWorkers();
        await box.ReloadNginx();
        Assert.Equal(master, box.Nginx.MainPid);
        Assert.Equal(HttpStatusCode.OK, (await status.GetText("/stub_status", null)).Status);

        // The access log is written every 5 s (flush=5s): wait for each line to land.
        var log = box.Root["/var/log/nginx/access.log"];
        bool Logged(string file, string what) => File.Exists(file) && File.ReadAllText(file).Contains(what, StringComparison.Ordinal);
        await box.Edge.GetText("/probe-before-rotation", null);
        await Poll.Until(() => Logged(log, "/probe-before-rotation"), TimeSpan.FromSeconds(15), "the request before the rotation is logged");

        box.RunLogrotate().OrThrow("logrotate with the rendered config");
        Assert.True(Logged(log + ".1", "/probe-before-rotation"), "logrotate did not move the access log to access.log.1");
        await box.Edge.GetText("/probe-after-rotation", null);
        await Poll.Until(() => Logged(log, "/probe-after-rotation"), TimeSpan.FromSeconds(15),
            "the request after the rotation is logged in the new access.log (nginx reopened it on USR1)");
        Assert.False(Logged(log + ".1", "/probe-after-rotation"), "nginx kept writing to the rotated file");

        // A reload after the rotation opens the new files again.
        await box.ReloadNginx();
        Assert.Equal(HttpStatusCode.OK, (await status.GetText("/stub_status", null)).Status);
        output.WriteLine($"reload: workers {string.Join(",", before)} replaced; logrotate: access.log.1 holds the earlier request, access.log the later");
    }
}
