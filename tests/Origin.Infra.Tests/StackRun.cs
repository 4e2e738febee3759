using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Origin.Plan;
using Pulumi;
using Pulumi.Testing;

namespace Origin.Infra.Tests;

/// <summary>A resource as the program constructed it: its arguments and options, before the engine saw them.</summary>
internal sealed record Constructed(Resource Resource, ResourceArgs? Args, ResourceOptions Options);

/// <summary>
/// One run of the real program (<see cref="OriginProgram"/>) under Pulumi's mocks, with a stack config
/// set the way the CLI sets it and a scratch project directory holding the app the stack uploads.
/// </summary>
internal sealed class StackRun
{
    public required StackFile Stack { get; init; }
    public required ImmutableArray<Resource> Resources { get; init; }
    public required IDictionary<string, object?> Outputs { get; init; }
    public required OriginMocks Mocks { get; init; }
    public required IReadOnlyList<Constructed> Constructed { get; init; }

    /// <summary>The plan the program must have built: the stack's settings with the mocked Cloudflare ranges.</summary>
    public HostPlan Plan => HostPlan.Build(OriginConfig.Load(Stack.Sections).Valid, DeployInputs.FromRanges(Mocks.Ipv4Ranges, Mocks.Ipv6Ranges));

    public static async Task<StackRun> RunAsync(StackFile stack, OriginMocks? mocks = null, bool withApp = true)
    {
        mocks ??= new OriginMocks();
        // The project sits one level down, so that an app path such as ../stream-api stays inside the scratch directory.
        var scratch = Directory.CreateTempSubdirectory("origin-infra-test-").FullName;
        var project = Directory.CreateDirectory(Path.Combine(scratch, "project")).FullName;
        if (withApp && stack.Settings.Stream.Source.Path is { } app)
            WriteApp(Path.GetFullPath(Path.Combine(project, app.Value)), withDeveloperFiles: true);
        var constructed = new List<Constructed>();
        ResourceTransformation record = args =>
        {
            lock (constructed) constructed.Add(new Constructed(args.Resource, args.Args, args.Options));
            return null;
        };
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", stack.PulumiConfig());
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", StackFile.PulumiConfigSecretKeys());
        try
        {
            var (resources, outputs) = await Deployment.TestAsync(mocks,
                new TestOptions { ProjectName = "origin", StackName = stack.Name, RootDirectory = project, IsPreview = false },
                () => OriginProgram.RunAsync(record));
            return new StackRun { Stack = stack, Resources = resources, Outputs = outputs, Mocks = mocks, Constructed = constructed };
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", null);
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// A stand-in for the stream API's checkout: a git repository with the app committed, optionally with
    /// what a developer's checkout also holds, ignored by git (a virtualenv and a .env).
    /// </summary>
    public static void WriteApp(string dir, bool withDeveloperFiles)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "stream_api.py"), "app = None\n");
        File.WriteAllText(Path.Combine(dir, ".gitignore"), ".venv/\n.env\n");
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "-A"], ["commit", "-qm", "the app"] })
            Origin.Box.Run.Capture("git", ["-C", dir, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. args])
                .OrThrow($"git {args[0]}");
        if (!withDeveloperFiles) return;
        Directory.CreateDirectory(Path.Combine(dir, ".venv", "bin"));
        File.WriteAllText(Path.Combine(dir, ".venv", "bin", "python"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(dir, ".env"), "REDIS_PASSWORD=a developer's\n");
    }

    /// <summary>The inputs of the one resource of this type and name.</summary>
    public ImmutableDictionary<string, object> Inputs(string type, string name) =>
        Mocks.Registered.Single(r => r.Type == type && r.Name == name).Inputs;

    public IEnumerable<MockResourceArgs> OfType(string type) => Mocks.Registered.Where(r => r.Type == type);

    public Constructed Construction(string type, string name) =>
        Constructed.Single(c => c.Resource.GetResourceType() == type && c.Resource.GetResourceName() == name);

    /// <summary>What the program made this resource depend on explicitly.</summary>
    public async Task<IReadOnlyList<Resource>> DependsOn(string type, string name) =>
        await Value<ImmutableArray<Resource>>(Construction(type, name).Options.DependsOn);

    /// <summary>Whether the program passed the input with this wire name as a secret.</summary>
    public static async Task<bool> IsSecretInput(ResourceArgs args, string wireName)
    {
        const BindingFlags members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        // Generated args carry [Input("name")] on the property, or on the backing field for lists and maps;
        // the attribute keeps the name internal, its constructor argument does not.
        static bool Named(MemberInfo member, string name) => member.GetCustomAttributesData()
            .Any(a => a.AttributeType == typeof(InputAttribute) && (string?)a.ConstructorArguments[0].Value == name);
        var value = args.GetType().GetProperties(members).Where(p => Named(p, wireName)).Select(p => p.GetValue(args))
            .Concat(args.GetType().GetFields(members).Where(f => Named(f, wireName)).Select(f => f.GetValue(args)))
            .Single() ?? throw new InvalidOperationException($"{wireName} is not set");
        // Input<T>, InputList<T> and InputMap<T> are all Input<T> of something, which converts to Output<T>.
        var inputType = value.GetType();
        while (inputType.GetGenericTypeDefinition() != typeof(Input<>)) inputType = inputType.BaseType!;
        var t = inputType.GetGenericArguments()[0];
        var output = inputType.GetMethods().Single(m => m.Name == "op_Implicit" && m.ReturnType == typeof(Output<>).MakeGenericType(t)).Invoke(null, [value]);
        var isSecret = typeof(Output).GetMethod(nameof(Output.IsSecretAsync))!.MakeGenericMethod(t).Invoke(null, [output]);
        return await (Task<bool>)isSecret!;
    }

    public static Task<T> Value<T>(Output<T> output)
    {
        var value = new TaskCompletionSource<T>();
        output.Apply(v => { value.SetResult(v); return v; });
        return value.Task;
    }

    /// <summary>The text of a StringAsset, or the path of a FileArchive, as the mocks received it. Pulumi keeps both internal.</summary>
    public static string AssetValue(object asset) =>
        (string)typeof(AssetOrArchive).GetProperty("Value", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(asset)!;

    /// <summary>The value at a path of nested mock inputs; null where the path ends early.</summary>
    public static object? At(object? node, params string[] path) =>
        path.Aggregate(node, (n, key) => n is IDictionary<string, object> d && d.TryGetValue(key, out var v) ? v : null);

    public static IReadOnlyList<object> List(object? node) => node is IEnumerable<object> items ? items.ToList() : [];

    /// <summary>A mock input value as JSON, to search it for text that must not be there.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value);
}
