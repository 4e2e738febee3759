using System.Reflection;
using Origin.Binding;
using Origin.Plan;
using Origin.Settings;

namespace Origin.Tests;

/// <summary>
/// After a compromise of the host, every secret it held is the intruder's: the list a rebuild must
/// replace covers every secret the stack's config holds (each of OriginSecrets' keys, and the SSH key),
/// `origin validate` prints it, and the runbook names each entry.
/// </summary>
public sealed class HostSecretsTests
{
    private static OriginSettings Hcloud => OriginConfig.Load(StackConfig.ReadStackFile(Repo.Path("tests", "fixtures", "Pulumi.hcloud-test.yaml"))).Valid;

    private static IReadOnlyList<HostSecrets.Rotation> Of(OriginSettings settings) =>
        HostSecrets.AfterCompromise(HostPlan.Build(settings, Stacks.FixtureRanges), settings);

    /// <summary>Every secret config key the stack defines, found by reflection so that a new one is in this test too.</summary>
    private static IEnumerable<string> SecretConfigKeys() =>
        typeof(OriginSecrets).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal))
            .Select(f => ConfigKeys.Of((string)f.GetRawConstantValue()!))
            .Append(ConfigKeys.Of("sshPrivateKey"));

    [Fact]
    public void A_rebuild_after_a_compromise_replaces_every_secret_the_stack_holds()
    {
        var hcloud = Of(Hcloud).Select(r => r.What).ToList();
        var prod = Of(Stacks.Valid()).Select(r => r.What).ToList();

        Assert.All(SecretConfigKeys(), key => Assert.Contains(key, hcloud));
        Assert.All(SecretConfigKeys().Where(k => k != ConfigKeys.Of(OriginSecrets.SshHostPrivateKeyKey)), key => Assert.Contains(key, prod));
        // The viewer-token keys above all: whoever read them mints tokens for any channel.
        Assert.Contains(ConfigKeys.Of(OriginSecrets.TokenSecretKey), prod);
        Assert.Contains("the Origin CA certificate", prod);
    }

    [Fact]
    public void Origin_validate_prints_them_and_the_runbook_names_each()
    {
        var validate = Cli.Run("validate", Repo.ProdStack);
        var runbook = File.ReadAllText(Repo.Path("docs", "disaster-rebuild.md"));
        var section = runbook[runbook.IndexOf("## 4. Secrets", StringComparison.Ordinal)..runbook.IndexOf("## 5.", StringComparison.Ordinal)];

        Assert.Equal(0, validate.ExitCode);
        foreach (var rotation in Of(Stacks.Valid()))
            Assert.Contains($"  {rotation.What}: {rotation.How}", validate.Stdout);
        foreach (var rotation in Of(Hcloud))
            Assert.Contains($"`{rotation.What}`", section);
    }
}
