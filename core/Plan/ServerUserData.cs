using Origin.Rendering;
using Origin.Values;

namespace Origin.Plan;

/// <summary>The hcloud server's cloud-init user data (files/host/user-data.yaml): the host key its connections pin.</summary>
public static class ServerUserData
{
    public static string Render(OpenSshPrivateKey hostKey) => Template.Render("host/user-data.yaml", new()
    {
        // Checked line by line to be base64 or a marker: nothing in it can end the YAML block.
        ["private_key"] = Template.Lines(hostKey.Lines),
        ["public_key"] = new Slot(hostKey.PublicKey.Value, false),
    });
}
