using Origin.Edge;
using Pulumi;
using Cloudflare = Pulumi.Cloudflare;

namespace Origin.Infra;

/// <summary>
/// The Origin CA certificate for Full (strict) between edge and origin, issued for the request the
/// host made. Only the request and the certificate enter Pulumi state: the key never leaves the host.
/// </summary>
internal sealed class OriginCertificate : ComponentResource
{
    public Output<string> Pem { get; }

    public OriginCertificate(string name, EdgePolicy policy, Output<string> certificateRequest, ComponentResourceOptions? options = null)
        : base("origin:edge:OriginCertificate", name, options)
    {
        var certificate = new Cloudflare.OriginCaCertificate(name, new Cloudflare.OriginCaCertificateArgs
        {
            Csr = certificateRequest,
            Hostnames = policy.CertificateHostnames.ToList(),
            // The tls step makes an EC P-256 key.
            RequestType = "origin-ecc",
            RequestedValidity = policy.CertificateDays,
        }, new CustomResourceOptions { Parent = this });
        Pem = certificate.Certificate;
        RegisterOutputs(new Dictionary<string, object?> { ["expiresOn"] = certificate.ExpiresOn });
    }
}
