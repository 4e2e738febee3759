using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Origin.Tests;

/// <summary>
/// What OriginHlsTmpfsFilling reads, from Debian's node exporter: a segment deleted while something
/// still holds it open (nginx's descriptor cache, a slow download) stays allocated on the tmpfs and
/// counts against node_filesystem_avail_bytes, which no sum of the files listed could see.
/// </summary>
public sealed partial class TmpfsUsageTests
{
    private const string Tmpfs = "/dev/shm";
    private const long Held = 256L << 20;

    [GeneratedRegex("""^node_filesystem_avail_bytes\{[^}]*mountpoint="/dev/shm"[^}]*\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex Avail();

    [Fact]
    public async Task A_deleted_file_still_open_counts_against_the_free_space_the_alert_reads()
    {
        // (Mounted over itself in some containers: findmnt names each.)
        Assert.All(Tool.Succeed("findmnt", "-n", "-o", "FSTYPE", "--mountpoint", Tmpfs).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), t => Assert.Equal("tmpfs", t));
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        using var exporter = System.Diagnostics.Process.Start(Tool.Which("prometheus-node-exporter"),
        [
            $"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults", "--collector.filesystem",
            // Debian's default leaves /dev out; the origin's HLS directory is not under it.
            "--collector.filesystem.mount-points-exclude=^/(proc|sys)($|/)",
        ])!;
        try
        {
            using var http = new HttpClient();
            async Task<double> AvailNow()
            {
                for (var i = 0; ; i++)
                {
                    try
                    {
                        var m = Avail().Match(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
                        Assert.True(m.Success, "no node_filesystem_avail_bytes for /dev/shm");
                        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    }
                    catch (HttpRequestException) when (i < 50) { await Task.Delay(100); }
                }
            }

            var before = await AvailNow();
            using var dir = new TempDir(Tmpfs);
            var path = Path.Combine(dir.Path, "stream_7_1733600000.ts");
            double held;
            await using (var segment = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                var chunk = new byte[1 << 20];
                Array.Fill(chunk, (byte)0x47);
                for (var written = 0L; written < Held; written += chunk.Length) segment.Write(chunk);
                segment.Flush();
                // FFmpeg deletes the segment; the descriptor stays open.
                File.Delete(path);
                Assert.Empty(Directory.GetFiles(dir.Path));
                held = await AvailNow();
            }
            var released = await AvailNow();

            // Other processes use /dev/shm too: a margin of 56 MiB either way.
            Assert.True(before - held > Held - (56 << 20), $"avail went from {before} to {held} with {Held} bytes deleted but open");
            Assert.True(released - held > Held - (56 << 20), $"avail went from {held} to {released} once the file was closed");
        }
        finally
        {
            exporter.Kill();
            await exporter.WaitForExitAsync();
        }
    }
}
