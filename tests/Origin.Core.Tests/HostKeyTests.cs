using Origin.Plan;
using Origin.Settings;
using Origin.Validation;
using Origin.Values;
using YamlDotNet.RepresentationModel;

namespace Origin.Tests;

/// <summary>
/// The host key every connection pins: required in both modes, and in hcloud mode installed through
/// the server's user data from the secret private key, whose public half must be the pinned one.
/// Keys come from the real ssh-keygen.
/// </summary>
public sealed class HostKeyTests
{
    private static (string Private, string Public) Generate(params string[] options)
    {
        using var dir = new TempDir();
        var file = dir["key"];
        Tool.Succeed("ssh-keygen", [.. options, "-q", "-C", "test@origin", "-f", file]);
        return (File.ReadAllText(file), File.ReadAllText(file + ".pub").Trim());
    }

    public static string UserDataOfANewKey() =>
        OpenSshPrivateKey.TryParse(Generate("-t", "ed25519", "-N", "").Private, out var key, out var problem) ? ServerUserData.Render(key) : throw new InvalidOperationException(problem);

    [Theory]
    [InlineData("dedicated", "ssh-keyscan -t ed25519")]
    [InlineData("hcloud", "origin:sshHostPrivateKey")]
    public void A_host_key_is_required_in_both_modes(string mode, string howToGetOne)
    {
        var loaded = Stacks.Load($"host.mode={mode}", "host.ssh.hostKey=null", "host.hcloud.sshPublicKeys=['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgvnEsECc9j17vdKFZjA+BCosc1vAp4dcPUk6/PmYJJ ops']");

        Assert.Contains(howToGetOne, FindingsAssert.ErrorAt(loaded, "origin:host.ssh.hostKey"));
    }

    [Fact]
    public void Hcloud_mode_takes_only_an_ed25519_host_key_as_its_user_data_installs_one()
    {
        var (_, rsa) = Generate("-t", "rsa", "-b", "2048", "-N", "");
        var loaded = Stacks.Load("host.mode=hcloud", $"host.ssh.hostKey='{rsa}'", "host.hcloud.sshPublicKeys=['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgvnEsECc9j17vdKFZjA+BCosc1vAp4dcPUk6/PmYJJ ops']");

        Assert.Contains("an ssh-ed25519 key", FindingsAssert.ErrorAt(loaded, "origin:host.ssh.hostKey"));
    }

    [Fact]
    public void The_public_half_is_read_from_an_ssh_keygen_private_key_and_matches_its_pub_file()
    {
        var (privateKey, publicKey) = Generate("-t", "ed25519", "-N", "");

        Assert.True(OpenSshPrivateKey.TryParse(privateKey, out var key, out var problem), problem);
        Assert.Equal(string.Join(' ', publicKey.Split(' ').Take(2)), key.PublicKey.Value);
        var findings = new Findings();
        Assert.NotNull(OriginSecrets.CheckHostKey(privateKey, new SshPublicKey(publicKey), findings));
        Assert.Empty(findings.All);
    }

    [Fact]
    public void Another_keys_private_half_is_refused_without_showing_either()
    {
        var (privateKey, _) = Generate("-t", "ed25519", "-N", "");
        var (_, otherPublic) = Generate("-t", "ed25519", "-N", "");
        var findings = new Findings();

        Assert.Null(OriginSecrets.CheckHostKey(privateKey, new SshPublicKey(otherPublic), findings));
        var error = Assert.Single(findings.Errors).ToString();
        Assert.Contains("the private half of host.ssh.hostKey", error);
        Assert.DoesNotContain("PRIVATE KEY", error);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { Generate("-t", "ed25519", "-N", "a passphrase").Private, "an unencrypted key" },
        { Generate("-t", "ecdsa", "-N", "").Private, "an Ed25519 key" },
        { "-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64 at all!\n-----END OPENSSH PRIVATE KEY-----\n", "whose body is base64" },
        { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgvnEsECc9j17vdKFZjA+BCosc1vAp4dcPUk6/PmYJJ", "an OpenSSH private key" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_host_private_key_sshd_could_not_use_is_refused(string text, string expected)
    {
        Assert.False(OpenSshPrivateKey.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void The_user_data_gives_cloud_init_the_key_files_byte_for_byte()
    {
        var (privateKey, publicKey) = Generate("-t", "ed25519", "-N", "");
        Assert.True(OpenSshPrivateKey.TryParse(privateKey, out var key, out _));

        var text = ServerUserData.Render(key);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var keys = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["ssh_keys"];

        Assert.StartsWith("#cloud-config\n", text);
        Assert.Equal("true", ((YamlScalarNode)((YamlMappingNode)yaml.Documents[0].RootNode)["ssh_deletekeys"]).Value);
        Assert.Equal(privateKey, ((YamlScalarNode)keys["ed25519_private"]).Value);
        Assert.Equal(string.Join(' ', publicKey.Split(' ').Take(2)), ((YamlScalarNode)keys["ed25519_public"]).Value);
    }
}
