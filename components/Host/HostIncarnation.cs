using Pulumi;

namespace Origin.Infra;

/// <summary>
/// The host's incarnation (host.incarnation) as a resource that every host-bound resource carries in its
/// triggers and is deleted with. Raising the number replaces this resource and, through the triggers,
/// every command and upload: each is made again on the host the config now names. The old ones are then
/// deleted in the same `up`, each "deleted with" this resource, whose old incarnation is deleted too: the
/// engine skips the delete of a resource whose deleted-with resource is deleted in the same deployment
/// (isDeletedWith in DeleteStep.Apply, pkg/resource/deploy/step.go@v3.174.0; the replaced incarnation's
/// URN enters the deployment's deletes in GenerateDeletes, step_generator.go). So no revert reaches the
/// old host (gone, or reinstalled at the same address), and no dial to it can fail the `up`.
/// A destroy deletes this resource too: it then runs no revert either (deploy.md, section 9).
/// </summary>
internal sealed record HostIncarnation(Resource Resource, int Number)
{
    public Input<object> Trigger => Number;

    public CustomResourceOptions Options(Resource? parent, params IEnumerable<Resource> dependsOn) =>
        new() { Parent = parent, DependsOn = dependsOn.ToArray(), DeletedWith = Resource };
}
