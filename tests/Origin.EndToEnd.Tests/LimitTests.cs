using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>
/// The descriptor limits the running processes really have (AUDIT-NOTES #8): nginx raises its own
/// limit only up to the hard limit its unit gives it, and says so only in its error log.
/// </summary>
[Collection(OriginCollection.Name)]
public sealed class LimitTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 30_000)]
    public async Task Running_services_have_the_descriptor_limits_their_units_and_nginx_conf_give_them()
    {
        var channel = await fixture.LiveChannel();
        var wanted = Box.Settings.Nginx.RlimitNofile;
        var unitHard = Box.Nginx.NofileLimit.Hard;
        var workers = Box.NginxWorkers();
        Assert.NotEmpty(workers);
        foreach (var worker in workers)
            Assert.Equal((Math.Min(wanted, unitHard), unitHard), Processes.OpenFileLimit(worker));
        // Asked for more than the unit allows, nginx runs on with what it has and logs an alert.
        var alert = File.ReadAllText(Box.Root["/var/log/nginx/error.log"]).Contains($"setrlimit(RLIMIT_NOFILE, {wanted}) failed");
        Assert.Equal(wanted > unitHard, alert);

        var ffmpeg = (await Box.FfmpegPid(channel))!.Value;
        foreach (var pid in new[] { Box.Api.MainPid, ffmpeg })
            Assert.Equal(Box.Api.NofileLimit, Processes.OpenFileLimit(pid));

        output.WriteLine($"nginx workers: {Math.Min(wanted, unitHard)} descriptors (worker_rlimit_nofile {wanted}, LimitNOFILE {unitHard}" +
                         (alert ? ", capped by this machine's hard limit: nginx logged the failed setrlimit" : "") + ")");
        output.WriteLine($"API and FFmpeg: {Box.Api.NofileLimit.Soft} descriptors");
    }
}
