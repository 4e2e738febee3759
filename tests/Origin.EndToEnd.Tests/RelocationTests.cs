using Origin.Box;
using Xunit.Abstractions;

namespace Origin.EndToEnd.Tests;

/// <summary>The box runs the rendered prod files: only the reviewed paths and ports differ.</summary>
[Collection(OriginCollection.Name)]
public sealed class RelocationTests(OriginFixture fixture, ITestOutputHelper output)
{
    private OriginBox Box => fixture.Box;

    [Fact(Timeout = 10_000)]
    public async Task Only_the_mapped_paths_and_ports_differ_from_the_rendered_prod_files()
    {
        foreach (var rule in Box.Relocation.Rules) output.WriteLine($"mapping ({rule.Kind}): {rule.From} -> {rule.To}");
        foreach (var file in Box.Placed)
        {
            // Read back what the services read, not what the box meant to write.
            var onDisk = await File.ReadAllTextAsync(Box.Root[file.HostPath]);
            if (!file.Relocated)
            {
                Assert.Equal(file.Rendered, onDisk);
                output.WriteLine($"{file.HostPath}: unchanged (read under systemd-tmpfiles --root)");
                continue;
            }
            var changes = Box.Relocation.Compare(file.Rendered, onDisk);
            var lines = file.Rendered.Split('\n').Length;
            output.WriteLine($"{file.HostPath}: {changes.Count} of {lines} lines relocated, every other line as rendered");
            foreach (var c in changes) output.WriteLine($"  {c.Line}: {c.Rendered.Trim()}  =>  {c.Placed.Trim()}");
        }
        Assert.Empty(Box.Relocation.Unused);
    }

    [Fact(Timeout = 10_000)]
    public Task Every_unit_directive_is_honoured_or_named_as_systemd_only()
    {
        foreach (var unit in new[] { "nginx", "stream-api", "redis-server", "origin-hls-cleanup" }.Select(n => Box.Unit(n)))
        {
            var notReproduced = unit.Keys.Where(k => !UnitProcess.Honoured.Contains(k)).ToList();
            Assert.All(notReproduced, k => Assert.True(UnitProcess.SystemdOnly.ContainsKey(k), $"{unit.Name}: {k}"));
            output.WriteLine($"{unit.Name}: runs with {string.Join(", ", unit.Keys.Where(UnitProcess.Honoured.Contains))}; " +
                             $"systemd-only: {string.Join(", ", notReproduced)}");
        }
        return Task.CompletedTask;
    }
}
