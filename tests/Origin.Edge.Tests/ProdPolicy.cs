using Origin.Binding;
using Origin.Box;
using Origin.Edge;

namespace Origin.EdgeStandIn.Tests;

/// <summary>The edge policy of the committed prod stack, as the Pulumi layer sends it.</summary>
public static class ProdPolicy
{
    public static EdgePolicy Build(params string[] changes) => EdgePolicy.Build(Settings(changes));

    /// <summary>The prod stack's settings with "section.key=value" changes (values are YAML).</summary>
    public static Origin.Settings.OriginSettings Settings(params string[] changes) =>
        OriginConfig.Load(changes.Aggregate(StackConfig.ReadStackFile(Repo.ProdStack),
            (sections, change) => StackConfig.With(sections, change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]))).Valid;
}
