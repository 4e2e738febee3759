using Origin.Plan;
using Xunit;
using static Origin.Infra.Tests.StackRun;

namespace Origin.Infra.Tests;

/// <summary>
/// Every SSH connection pins the host key and carries a dial budget fit for its purpose; the hcloud
/// server is created with that host key, through secret user data.
/// </summary>
public sealed class ConnectionTests
{
    public static TheoryData<string> Stacks => ["prod", "hcloud-test"];

    private static StackFile Of(string name) => name == "prod" ? StackFile.Prod : StackFile.HcloudTest;

    private static IEnumerable<Registered> Remote(StackRun run) => run.Mocks.Registered
        .Where(r => r.Type is Types.Command or Types.Copy)
        .Select(r => new Registered(r.Name!, (IDictionary<string, object>)r.Inputs["connection"]));

    private sealed record Registered(string Name, IDictionary<string, object> Connection);

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_connection_pins_the_configured_host_key(string stack)
    {
        var run = await RunAsync(Of(stack));
        var hostKey = Of(stack).Settings.Host.Ssh.HostKey!.Value;

        Assert.NotEmpty(Remote(run));
        Assert.All(Remote(run), r => Assert.Equal(hostKey, r.Connection.TryGetValue("hostKey", out var k) ? k : null));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_converge_dials_long_enough_for_a_new_server_to_boot_and_the_confirm_gives_up_inside_the_rollback_window(string stack)
    {
        var run = await RunAsync(Of(stack));

        foreach (var r in Remote(run))
        {
            var budget = r.Name == "firewall/confirm" ? DialBudget.Confirm : DialBudget.Converge;
            Assert.Equal((budget.DialErrorLimit, budget.PerDialTimeoutSeconds), (Convert.ToInt32(r.Connection["dialErrorLimit"]), Convert.ToInt32(r.Connection["perDialTimeout"])));
        }
        Assert.Single(Remote(run), r => r.Name == "firewall/confirm");
        // A new server refuses connections until sshd runs (pulumi-command issue 1238: 11 s by default).
        Assert.True(DialBudget.Converge.WhenRefused >= TimeSpan.FromMinutes(4), $"{DialBudget.Converge.WhenRefused}");
        // Dialing a ruleset that drops it, then running for its whole budget, the confirm has ended by half
        // the window the apply arms: no late dial can get through after the rollback.
        var window = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Plan["firewall"].ApplyScript, @"--on-active=(\d+) ").Groups[1].Value);
        var confirmEnds = DialBudget.Confirm.WhenDropped + TimeSpan.FromSeconds(Step.ConfirmBudgetSeconds);
        Assert.True(confirmEnds <= TimeSpan.FromSeconds(window / 2.0), $"{confirmEnds} of {window} s");
    }

    [Fact]
    public async Task The_hcloud_server_is_created_with_the_pinned_host_key_in_secret_user_data()
    {
        var run = await RunAsync(StackFile.HcloudTest);
        var construction = run.Construction(Types.Server, "origin-test");
        var userData = (string)run.Inputs(Types.Server, "origin-test")["userData"];
        var hostKey = StackFile.HcloudTest.Settings.Host.Ssh.HostKey!.Value;

        Assert.True(await IsSecretInput(construction.Args!, "userData"));
        Assert.StartsWith("#cloud-config\n", userData);
        Assert.Contains("ssh_deletekeys: true\n", userData);
        Assert.Contains($"  ed25519_public: {string.Join(' ', hostKey.Split(' ').Take(2))}\n", userData);
        var privateLines = StackFile.TestSshHostPrivateKey.Trim().Split('\n');
        Assert.Contains(string.Join('\n', privateLines.Select(l => "    " + l)) + "\n", userData);
        Assert.Contains("userData", construction.Options.IgnoreChanges);
    }

    [Fact]
    public async Task The_hcloud_stack_refuses_a_host_private_key_that_is_not_the_pinned_one()
    {
        var other = StackFile.HcloudTest.With("host.ssh.hostKey", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgvnEsECc9j17vdKFZjA+BCosc1vAp4dcPUk6/PmYJJ other");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(other));

        Assert.Contains("origin:sshHostPrivateKey", error.ToString());
        Assert.Contains("the private half of host.ssh.hostKey", error.ToString());
        Assert.DoesNotContain("PRIVATE KEY-----", error.ToString());
    }

    [Fact]
    public async Task The_hcloud_stack_refuses_to_run_without_a_host_private_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(StackFile.HcloudTest with { SshHostPrivateKey = null }));

        Assert.Contains("origin:sshHostPrivateKey: expected the server's SSH host key in hcloud mode", error.ToString());
    }

    [Fact]
    public async Task Each_hcloud_ssh_key_is_named_after_the_key_so_a_replacement_can_exist_beside_the_old_one()
    {
        const string Rotated = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgvnEsECc9j17vdKFZjA+BCosc1vAp4dcPUk6/PmYJJ ops-one-new";
        var before = await RunAsync(StackFile.HcloudTest);
        var kept = StackFile.HcloudTest.Settings.Host.Hcloud.SshPublicKeys[1].Value;
        var after = await RunAsync(StackFile.HcloudTest.With("host.hcloud.sshPublicKeys", $"['{Rotated}', '{kept}']"));
        IReadOnlyDictionary<string, (string Resource, string Name)> Keys(StackRun run) =>
            run.OfType(Types.SshKey).ToDictionary(k => (string)k.Inputs["publicKey"], k => (k.Name!, (string)k.Inputs["name"]));

        // The kept key keeps its resource and its name; the new key is a resource of its own, made beside the
        // old one before the old one is deleted, under a name Hetzner keeps unique.
        Assert.Equal(Keys(before)[kept], Keys(after)[kept]);
        var added = Keys(after)[Rotated];
        Assert.DoesNotContain(added.Resource, Keys(before).Values.Select(v => v.Resource));
        Assert.DoesNotContain(added.Name, Keys(before).Values.Select(v => v.Name));
        Assert.Equal($"origin-test-{Digest.Sha256(string.Join(' ', Rotated.Split(' ').Take(2)))[..12]}", added.Name);
        Assert.Equal(2, Keys(before).Values.Select(v => v.Name).Distinct().Count());
    }
}
