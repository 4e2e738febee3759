using Xunit;

namespace Origin.Infra.Tests;

/// <summary>
/// Restore of the Pulumi program on a machine whose package source publishes advisories (as nuget.org
/// does). For net10.0 projects NuGetAuditMode defaults to all, so an advisory on any transitive package
/// is a NU1901-NU1904 warning (https://learn.microsoft.com/en-us/dotnet/core/compatibility/sdk/10.0/nugetaudit-transitive-packages),
/// and Directory.Build.props makes warnings errors. Released Pulumi 3.112.1 pulls
/// OpenTelemetry.Exporter.OpenTelemetryProtocol 1.9.0, which has a moderate advisory; this machine's
/// NuGet serves no advisory data, so a loopback feed serves the packages and an advisory for that one.
/// </summary>
public sealed class RestoreAuditTests
{
    private const string Vulnerable = "OpenTelemetry.Exporter.OpenTelemetryProtocol";

    [Fact]
    public void Advisories_and_unreadable_advisory_data_are_reported_and_do_not_fail_restore()
    {
        var scratch = Directory.CreateTempSubdirectory("origin-restore-audit-").FullName;
        try
        {
            // The program's package graph exactly: its project files and the repository's shared props.
            foreach (var file in new[] { "Directory.Build.props", "Infra.csproj", "core/Origin.Core.csproj" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(scratch, file))!);
                File.Copy(Repo.Path(file), Path.Combine(scratch, file));
            }
            // Every package, and an advisory over the whole 1.x line of the transitive package: the 1.9.0
            // that released Pulumi pulls and the 1.15.3 of CI's copy. NuGet audits with the data of every
            // package source (https://learn.microsoft.com/en-us/nuget/concepts/auditing-packages, audit sources).
            using var feed = new LoopbackNuGetFeed(GlobalPackagesFolder(),
                [new Advisory(Vulnerable, "(, 2.0.0)", Severity: 1, Url: "https://example.invalid/advisory-moderate")]);
            // A second source whose advisory data cannot be read (NU1900).
            using var broken = new LoopbackNuGetFeed(packagesFolder: null, advisories: null);
            // NuGet refuses an http:// source without allowInsecureConnections (NU1302,
            // https://learn.microsoft.com/en-us/nuget/reference/errors-and-warnings/nu1302).
            File.WriteAllText(Path.Combine(scratch, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="loopback" value="{feed.ServiceIndex}" protocolVersion="3" allowInsecureConnections="true" />
                    <add key="broken" value="{broken.ServiceIndex}" protocolVersion="3" allowInsecureConnections="true" />
                  </packageSources>
                </configuration>
                """);

            // A fresh packages folder and HTTP cache: every package comes from the feed, as on a new machine.
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string)e.Value!);
            env.Remove("RestoreAdditionalProjectSources");
            env["NUGET_HTTP_CACHE_PATH"] = Path.Combine(scratch, "http-cache");
            var restore = Origin.Box.Run.Capture("dotnet",
                ["restore", Path.Combine(scratch, "Infra.csproj"), "--configfile", Path.Combine(scratch, "NuGet.config"),
                 "--packages", Path.Combine(scratch, "packages"), "-nologo"],
                TimeSpan.FromSeconds(120), env, scratch);
            var output = restore.Stdout + restore.Stderr;

            Assert.Contains(feed.Requests, r => r.Path.StartsWith("/flat/pulumi/", StringComparison.Ordinal) && r.Path.EndsWith(".nupkg", StringComparison.Ordinal));
            Assert.Contains(feed.Requests, r => r.Path == "/vulnerabilities/base.json" && r.Status == 200);
            Assert.Contains(broken.Requests, r => r.Path == "/vulnerabilities/base.json" && r.Status == 500);
            Assert.True(restore.ExitCode == 0, $"restore failed on an advisory:\n{output}");
            Assert.Matches($@"warning NU1902: Package '{Vulnerable}' [0-9.]+ has a known moderate severity vulnerability", output);
            Assert.Contains("warning NU1900", output);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Where restore keeps packages here (https://learn.microsoft.com/en-us/nuget/consume-packages/managing-the-global-packages-and-cache-folders).</summary>
    private static string GlobalPackagesFolder()
    {
        var listed = Origin.Box.Run.Capture("dotnet", ["nuget", "locals", "global-packages", "--list"]).OrThrow("dotnet nuget locals").Stdout;
        return listed.Trim()["global-packages: ".Length..].Trim();
    }
}
