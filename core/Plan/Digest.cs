using System.Security.Cryptography;
using System.Text;

namespace Origin.Plan;

/// <summary>SHA-256 in lower-case hex: the one digest the plan and the Pulumi layer compare content with.</summary>
public static class Digest
{
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
