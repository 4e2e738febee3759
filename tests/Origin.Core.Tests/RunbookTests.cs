namespace Origin.Tests;

/// <summary>What the runbooks must keep saying about destroying the host and rotating its key (issue 8, item 14).</summary>
public sealed class RunbookTests
{
    private static readonly string Deploy = File.ReadAllText(Repo.Path("docs", "deploy.md"));

    private static string Section(string heading)
    {
        var start = Deploy.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/deploy.md has no section {heading}");
        var end = Deploy.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? Deploy[start..] : Deploy[start..end];
    }

    [Fact]
    public void Destroy_of_the_host_says_what_happens_in_each_mode()
    {
        var destroy = Section("Destroy: the host");

        // Every host-bound resource is deleted with the incarnation (IncarnationTests): no revert, no dial.
        Assert.Contains("no revert runs", destroy);
        Assert.Contains("`origin-incarnation`", destroy);
        Assert.Contains("*dedicated*", destroy);
        Assert.Contains("*hcloud*: the server is protected", destroy);
        Assert.Contains("the SSH key, of the last successful `up`", destroy);
    }

    [Fact]
    public void The_key_rotation_adds_the_new_key_before_the_up_and_removes_the_old_one_after_it()
    {
        var rotation = Section("Rotating the SSH key");
        int At(string text) => rotation.IndexOf(text, StringComparison.Ordinal) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"missing: {text}");

        Assert.True(At("Add the new public key") < At("pulumi config set --secret origin:sshPrivateKey"));
        Assert.True(At("pulumi config set --secret origin:sshPrivateKey") < At("3. `pulumi up`"));
        Assert.True(At("3. `pulumi up`") < At("Only now remove the old public key"));
    }
}
