using System.Text;
using System.Text.Json;
using Origin.Binding;
using Origin.Settings;
using YamlDotNet.RepresentationModel;

namespace Origin.Infra.Tests;

/// <summary>
/// A stack config as the Pulumi CLI hands it to the program: each origin:* section as JSON text, and the
/// two secrets. Read from a real stack file; <see cref="With"/> varies one setting the way `--set` does.
/// </summary>
internal sealed record StackFile(string Name, IReadOnlyDictionary<string, YamlNode> Sections, string SshPrivateKey, string RedisPassword,
    string TokenSecret, string? TokenSecretPrevious = null, string? SshHostPrivateKey = StackFile.TestSshHostPrivateKey)
{
    public const string TestSshPrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\ntest-key-material-that-must-stay-secret\n-----END OPENSSH PRIVATE KEY-----\n";
    public const string TestRedisPassword = "redis-Passw0rd-that-must-stay-secret";
    public const string TestTokenSecret = "token-key-that-must-stay-secret-0123456789";
    public const string TestTokenSecretPrevious = "previous-token-key-that-must-stay-secret-0123";

    /// <summary>A throwaway Ed25519 key (ssh-keygen -t ed25519 -N ''): the host key of tests/fixtures/Pulumi.hcloud-test.yaml.</summary>
    public const string TestSshHostPrivateKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACC4nMkFdo0hoco/lmr08TTcnMgyGNbZgxAQlYIL9IJhXwAAAJgV/EZmFfxG
        ZgAAAAtzc2gtZWQyNTUxOQAAACC4nMkFdo0hoco/lmr08TTcnMgyGNbZgxAQlYIL9IJhXw
        AAAEB6iDU3znudBatfOG7WpH4CW198D51pnBZpXrCoJFAFY7icyQV2jSGhyj+WavTxNNyc
        yDIY1tmDEBCVggv0gmFfAAAAEG9yaWdpbi10ZXN0LWhvc3QBAgMEBQ==
        -----END OPENSSH PRIVATE KEY-----

        """;

    public static StackFile Prod => Read("prod", "Pulumi.prod.yaml");
    public static StackFile HcloudTest => Read("hcloud-test", "tests/fixtures/Pulumi.hcloud-test.yaml");

    private static StackFile Read(string name, string path) =>
        new(name, StackConfig.ReadStackFile(Repo.Path(path)), TestSshPrivateKey, TestRedisPassword, TestTokenSecret);

    /// <summary>The stack during a key rotation: both token keys set.</summary>
    public StackFile Rotating => this with { TokenSecretPrevious = TestTokenSecretPrevious };

    public StackFile With(string path, string value) => this with { Sections = StackConfig.With(Sections, path, value) };

    /// <summary>Sections handed to the program as exactly this text, even text that is not valid YAML or JSON.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; init; } = new Dictionary<string, string>();

    public StackFile WithText(string section, string text) =>
        this with { Texts = new Dictionary<string, string>(Texts) { [section] = text } };

    /// <summary>The settings the program will see, valid or not.</summary>
    public OriginSettings Settings => OriginConfig.Load(Sections).Settings;

    /// <summary>PULUMI_CONFIG: keys "origin:&lt;section&gt;", structured values as JSON text.</summary>
    public string PulumiConfig()
    {
        var config = Sections.ToDictionary(s => ConfigKeys.Of(s.Key), s => Json(s.Value));
        foreach (var (section, text) in Texts) config[ConfigKeys.Of(section)] = text;
        config[ConfigKeys.Of("sshPrivateKey")] = SshPrivateKey;
        config[ConfigKeys.Of(OriginSecrets.RedisPasswordKey)] = RedisPassword;
        if (SshHostPrivateKey is not null) config[ConfigKeys.Of(OriginSecrets.SshHostPrivateKeyKey)] = SshHostPrivateKey;
        config[ConfigKeys.Of(OriginSecrets.TokenSecretKey)] = TokenSecret;
        if (TokenSecretPrevious is { } previous) config[ConfigKeys.Of(OriginSecrets.TokenSecretPreviousKey)] = previous;
        return JsonSerializer.Serialize(config);
    }

    public static string PulumiConfigSecretKeys() =>
        JsonSerializer.Serialize(new[] { "sshPrivateKey", OriginSecrets.RedisPasswordKey, OriginSecrets.SshHostPrivateKeyKey, OriginSecrets.TokenSecretKey, OriginSecrets.TokenSecretPreviousKey }.Select(ConfigKeys.Of));

    /// <summary>YAML as the CLI turns it into JSON: plain scalars that read as numbers, booleans or null are typed.</summary>
    private static string Json(YamlNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) Write(writer, node);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children) Write(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: var text }:
                if (text is null or "" or "~" or "null") writer.WriteNullValue();
                else if (text is "true" or "false") writer.WriteBooleanValue(text == "true");
                else if (long.TryParse(text, out var number)) writer.WriteNumberValue(number);
                else writer.WriteStringValue(text);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}

/// <summary>Paths in the repository, found from the test's own location.</summary>
internal static class Repo
{
    private static readonly string Root = FindRoot(AppContext.BaseDirectory);

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot(string dir) =>
        File.Exists(System.IO.Path.Combine(dir, "Pulumi.yaml")) ? dir
        : FindRoot(Directory.GetParent(dir)?.FullName ?? throw new DirectoryNotFoundException("no Pulumi.yaml above the test assembly"));
}
