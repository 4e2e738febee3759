namespace Origin.Plan;

/// <summary>A file the plan places on the host: rendered from files/&lt;Template&gt;, installed at Path with Mode and owner.</summary>
/// <param name="Mode">Octal permission bits as stat -c %a prints them: "644", "600", "2755".</param>
public sealed record HostFile(string Path, string Mode, string Owner, string Group, string Content, string Template)
{
    /// <summary>Where the converge uploads it before the step's apply script installs it.</summary>
    public string StagePath(Step step) => step.StageDir + "/files" + Path;
}

/// <summary>What a supplied file's content comes from.</summary>
public enum Supply
{
    /// <summary>Rendered with the Redis password (Pulumi secret origin:redisPassword).</summary>
    RedisPassword,
    /// <summary>The Origin CA certificate Cloudflare issued for the CSR made on the host.</summary>
    OriginCertificate,
    /// <summary>The viewer-token keys (Pulumi secrets origin:tokenSecret and origin:tokenSecretPrevious), one a line, current first.</summary>
    TokenKeys,
}

/// <summary>
/// A file whose content is only known at deploy time and must not be staged on disk or stored in
/// state in the clear: it is piped to <see cref="InstallScript"/> on stdin and installed from there.
/// </summary>
public sealed record SuppliedFile(string Name, string Path, string Mode, string Owner, string Group, Supply Supply, string Template, string InstallScript)
{
    /// <summary>The file's content for the given deploy-time values. Throws if a value fails its check.</summary>
    public string Render(Supplies values) => Render(values.Of(Supply));

    /// <summary>
    /// The file's content for the deploy-time value of its <see cref="Supply"/> alone. The Pulumi layer
    /// needs this form: the Redis password is known from the start, the certificate only once the host's
    /// request has been signed, several steps later.
    /// </summary>
    public string Render(string value) => Supply switch
    {
        Supply.RedisPassword => Rendering.Template.Render(Template, new Dictionary<string, Rendering.Slot>
        {
            ["redis_password"] = Rendering.Template.Token(Supplies.CheckRedisPassword(value)),
        }),
        Supply.OriginCertificate => Supplies.CheckCertificate(value),
        Supply.TokenKeys => Rendering.Template.Render(Template, new Dictionary<string, Rendering.Slot>
        {
            ["keys"] = Rendering.Template.Lines(Supplies.CheckTokenKeys(value).Split('\n', StringSplitOptions.RemoveEmptyEntries)),
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(Supply)),
    };

    public bool IsSecret => Supply is Supply.RedisPassword or Supply.TokenKeys;
}
