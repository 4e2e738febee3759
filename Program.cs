using Origin.Infra;

return await Pulumi.Deployment.RunAsync(() => OriginProgram.RunAsync());

namespace Origin.Infra
{
    using Origin.Binding;
    using Origin.Capacity;
    using Origin.Edge;
    using Origin.Plan;
    using Origin.Settings;
    using Origin.Validation;
    using Pulumi;
    using Cloudflare = Pulumi.Cloudflare;

    /// <summary>
    /// The origin stack: the core's settings from the stack config, then the host, the edge, the host
    /// plan step by step, and the final verification. Kept apart from the entry point so the tests run
    /// the very same program under Pulumi's mocks.
    /// </summary>
    internal static class OriginProgram
    {
        /// <param name="transformations">Applied to every resource the program registers; the tests observe resource options through them.</param>
        public static async Task<IDictionary<string, object?>> RunAsync(params ResourceTransformation[] transformations)
        {
            var config = new Config(ConfigKeys.Namespace);
            var sshPrivateKey = config.RequireSecret("sshPrivateKey");
            var redisPassword = config.RequireSecret(OriginSecrets.RedisPasswordKey);
            // The second token key is set only during a rotation; whether it is set is known in previews too.
            var tokenKeys = config.GetSecret(OriginSecrets.TokenSecretPreviousKey) is { } previous
                ? Output.Tuple(config.RequireSecret(OriginSecrets.TokenSecretKey), previous).Apply(k => (IReadOnlyList<string>)[k.Item1, k.Item2])
                : config.RequireSecret(OriginSecrets.TokenSecretKey).Apply(k => (IReadOnlyList<string>)[k]);
            var loaded = await LoadAsync(config, redisPassword, tokenKeys);
            var settings = loaded.Settings;
            // Read before anything is registered too, so a missing app or a failed lookup leaves the stack untouched.
            var app = settings.Stream.Source.Kind == AppSourceKind.Local ? ExportApp(settings.Stream.Source) : null;
            // Awaited rather than kept as an Output: the ranges go into rendered files, and which files and
            // resources a step has must be known when it is registered. The plan is then plain data, the
            // same the CLI renders (previews run the lookup too).
            var ranges = await Cloudflare.GetIpRanges.InvokeAsync();
            var inputs = DeployInputs.FromRanges(ranges.Ipv4Cidrs, ranges.Ipv6Cidrs);

            var options = new ComponentResourceOptions();
            options.ResourceTransformations.AddRange(transformations);
            var plan = HostPlan.Build(settings, inputs);
            var edge = EdgePolicy.Build(settings);
            var userData = settings.Host.Mode == HostMode.Hcloud ? ServerUserDataOf(config) : null;
            var host = new OriginHost("origin", settings.Host, InboundPolicy.Build(settings, inputs), sshPrivateKey, userData, options);
            var edgeZone = new EdgeZone("edge", await ZoneIdAsync(settings.Cloudflare), edge, tokenKeys, options);
            var keysFile = tokenKeys.Apply(k => Supplies.JoinTokenKeys(k[0], k.Count > 1 ? k[1] : null));
            var steps = Converge.Steps(plan, host, edge, edgeZone, redisPassword, keysFile, app, options);
            var verify = new VerifyOrigin("verify", plan, host.Connection, host.Incarnation, steps, options);
            // The record goes live after the origin verified, and a destroy stops at it (EdgeZone).
            edgeZone.GoLive(host.Ipv4Address, host.Ipv6Address, verify);

            var hls = settings.Hls;
            return new Dictionary<string, object?>
            {
                ["originAddress"] = host.Address,
                ["publicHostname"] = edge.RecordName,
                ["playlistUrlPattern"] = $"https://{edge.RecordName}{hls.UrlPrefix}<token>/{hls.PlaylistPrefix}<channel>.m3u8",
                ["tmpfsSize"] = new Sizing(settings).TmpfsSize.ToString(),
                // For a check from outside (README, Monitoring): the origin's own alerts die with the host.
                ["healthCheckUrl"] = Plan.Steps.AlertRouting.HealthCheckUrl(settings),
                ["capacityFindings"] = loaded.Findings.Warnings.Where(f => f.Key.StartsWith(ConfigKeys.Of("capacity."), StringComparison.Ordinal))
                    .Select(f => f.ToString()).ToList(),
            };
        }

        /// <summary>
        /// Every origin:&lt;section&gt; key through the core, and the Redis password and token keys through their checks. Errors
        /// stop the run before any resource exists, all of them in one message; warnings are logged.
        /// </summary>
        private static async Task<OriginConfig.Loaded> LoadAsync(Config config, Output<string> redisPassword, Output<IReadOnlyList<string>> tokenKeys)
        {
            var sections = new Dictionary<string, YamlDotNet.RepresentationModel.YamlNode>(StringComparer.Ordinal);
            var unreadable = new Findings();
            foreach (var section in ConfigKeys.Sections)
                if (config.Get(section) is { } text && StackConfig.ParseValue(text, ConfigKeys.Of(section), unreadable) is { } node)
                    sections[section] = node;
            // Config reads one key at a time and cannot list them, so a misspelt section would go
            // unnoticed. The engine hands the program every key in PULUMI_CONFIG: any other origin:*
            // key there is reported as unknown, as the CLI reports it.
            foreach (var key in KeysOfThisProject().Where(k => !sections.ContainsKey(k) && !ConfigKeys.SecretKeys.Contains(k) && !ConfigKeys.Sections.Contains(k)))
                sections[key] = new YamlDotNet.RepresentationModel.YamlScalarNode(key);
            var loaded = OriginConfig.Load(sections, unreadable);
            // The password is checked inside an Apply, so it never leaves its secret Output: what comes out
            // are findings, which say what is wrong with it and never what it is.
            var passwordErrors = await KnownValue(Output.Tuple(redisPassword, tokenKeys).Apply(secrets =>
            {
                var findings = new Findings();
                OriginSecrets.Check(secrets.Item1, findings);
                foreach (var (key, name) in secrets.Item2.Zip([OriginSecrets.TokenSecretKey, OriginSecrets.TokenSecretPreviousKey]))
                    OriginSecrets.CheckTokenSecret(name, key, findings);
                if (secrets.Item2 is [var current, var previous] && current == previous)
                    findings.Error(ConfigKeys.Of(OriginSecrets.TokenSecretPreviousKey), "the key before the rotation, not the current one again", "the same key as origin:tokenSecret");
                return findings.Errors.ToList();
            }));
            var hostKeyErrors = loaded.Settings.Host.Mode == HostMode.Hcloud ? await HostKeyErrorsAsync(config, loaded.Settings.Host.Ssh.HostKey) : [];
            foreach (var warning in loaded.Findings.Warnings)
                Log.Warn(warning.ToString());
            var errors = loaded.Findings.Errors.Concat(passwordErrors).Concat(hostKeyErrors).ToList();
            return errors.Count > 0 ? throw new RunException(new InvalidSettingsException(errors).Message) : loaded;
        }

        /// <summary>
        /// The zone's ID, awaited rather than kept as an Output: an adopted object's import ID holds it, and
        /// CustomResourceOptions.ImportId is a plain string. Previews run the lookup too.
        /// </summary>
        private static async Task<string> ZoneIdAsync(CloudflareSettings cf)
        {
            var zone = cf.Zone ?? throw new InvalidOperationException("cloudflare.zone is validated before the edge is built");
            var found = await Cloudflare.GetZone.InvokeAsync(new Cloudflare.GetZoneArgs
            {
                Filter = new Cloudflare.Inputs.GetZoneFilterArgs { Name = zone.Value, Match = "all" },
            });
            return found.Id;
        }

        /// hcloud mode: the host key the server is created with must be the one every connection pins.
        /// Checked inside an Apply like the Redis password, so the key never leaves its secret Output.
        /// </summary>
        private static async Task<List<Finding>> HostKeyErrorsAsync(Config config, Values.SshPublicKey? hostKey)
        {
            var findings = new Findings();
            if (config.GetSecret(OriginSecrets.SshHostPrivateKeyKey) is not { } privateKey)
            {
                findings.Error(ConfigKeys.Of(OriginSecrets.SshHostPrivateKeyKey),
                    "the server's SSH host key in hcloud mode (ssh-keygen -t ed25519 -N '' -f origin_host_ed25519; pulumi config set --secret origin:sshHostPrivateKey < origin_host_ed25519)", "nothing");
                return findings.Errors.ToList();
            }
            return await KnownValue(privateKey.Apply(key =>
            {
                OriginSecrets.CheckHostKey(key, hostKey, findings);
                return findings.Errors.ToList();
            }));
        }

        /// <summary>The server's user data, rendered from the checked host key: secret, as the key is.</summary>
        private static Output<string> ServerUserDataOf(Config config) =>
            Output.CreateSecret(config.RequireSecret(OriginSecrets.SshHostPrivateKeyKey).Apply(key =>
                ServerUserData.Render(Values.OpenSshPrivateKey.TryParse(key, out var parsed, out _) ? parsed : throw new InvalidOperationException("origin:sshHostPrivateKey is checked before the host is built"))));

        /// <summary>The origin:* keys the engine passed to the program, without their namespace.</summary>
        private static IEnumerable<string> KeysOfThisProject()
        {
            if (Environment.GetEnvironmentVariable("PULUMI_CONFIG") is not { Length: > 0 } json) return [];
            using var all = System.Text.Json.JsonDocument.Parse(json);
            return all.RootElement.EnumerateObject().Select(p => p.Name)
                .Where(k => k.StartsWith(ConfigKeys.Namespace + ":", StringComparison.Ordinal))
                .Select(k => k[(ConfigKeys.Namespace.Length + 1)..]).ToList();
        }

        /// <summary>The value of an output known from the start (config is known in previews too), for checks that must pass before anything is registered.</summary>
        private static Task<T> KnownValue<T>(Output<T> output)
        {
            var value = new TaskCompletionSource<T>();
            output.Apply(v => value.TrySetResult(v));
            return value.Task;
        }

        /// <summary>The app directory (relative to the project) exported to .origin-build/&lt;stack&gt;/app for upload.</summary>
        private static StreamApp ExportApp(AppSource source)
        {
            var root = Deployment.Instance.RootDirectory;
            var path = source.Path ?? throw new InvalidOperationException("stream.source.path is validated before the app is exported");
            var export = Path.Combine(root, ".origin-build", Deployment.Instance.StackName, "app");
            try
            {
                return new StreamApp(export, AppDirectory.Export(Path.GetFullPath(Path.Combine(root, path.Value)), export));
            }
            catch (AppDirectoryException e)
            {
                throw new RunException(e.Message);
            }
        }
    }
}
