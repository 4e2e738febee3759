using Origin.Binding;
using Origin.Box;
using Origin.Edge;

namespace Origin.EdgeStandIn.Tests;

/// <summary>The edge policy of the committed prod stack, as the Pulumi layer sends it.</summary>
public static class ProdPolicy
{
    public static EdgePolicy Build() => EdgePolicy.Build(OriginConfig.Load(StackConfig.ReadStackFile(Repo.ProdStack)).Valid);
}
