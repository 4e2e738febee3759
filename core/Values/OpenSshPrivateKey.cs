using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Origin.Values;

/// <summary>
/// An unencrypted Ed25519 private key in OpenSSH's format (what `ssh-keygen -t ed25519 -N ''` writes),
/// read only as far as its public half: the format keeps the public key in clear before the private
/// section (openssh-portable PROTOCOL.key: magic "openssh-key-v1\0", cipher, kdf, kdf options, key
/// count, then each public key as an SSH string). The host key of an hcloud server, which sshd
/// cannot use encrypted.
/// </summary>
public sealed record OpenSshPrivateKey
{
    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";

    /// <summary>The key file's lines, each checked to be a marker or base64, so it can go into YAML as is.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The public half, as an OpenSSH public key line without a comment.</summary>
    public SshPublicKey PublicKey { get; }

    private OpenSshPrivateKey(IReadOnlyList<string> lines, SshPublicKey publicKey) => (Lines, PublicKey) = (lines, publicKey);

    /// <summary>Reads the key, or says what is wrong with it without repeating any of it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out OpenSshPrivateKey? key, [NotNullWhen(false)] out string? problem)
    {
        (key, problem) = Read(text);
        return key is not null;
    }

    private static (OpenSshPrivateKey? Key, string? Problem) Read(string text)
    {
        var lines = text.Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count < 3 || lines[0] != Begin || lines[^1] != End)
            return (null, "an OpenSSH private key (ssh-keygen -t ed25519 writes one)");
        var body = lines[1..^1];
        if (body.Any(l => l.Length == 0 || l.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '='))))
            return (null, "an OpenSSH private key whose body is base64");
        byte[] blob;
        try { blob = Convert.FromBase64String(string.Concat(body)); }
        catch (FormatException) { return (null, "an OpenSSH private key whose body is base64"); }

        var reader = new SshReader(blob);
        if (!reader.Magic("openssh-key-v1\0")) return (null, "an OpenSSH private key (openssh-key-v1)");
        var cipher = reader.Text();
        reader.Bytes(); // kdf name
        reader.Bytes(); // kdf options
        if (cipher != "none") return (null, "an unencrypted key (sshd cannot load a host key with a passphrase)");
        if (reader.UInt32() != 1) return (null, "a file with exactly one key");
        if (reader.Bytes() is not { } publicBlob || new SshReader(publicBlob).Text() != "ssh-ed25519")
            return (null, "an Ed25519 key (ssh-keygen -t ed25519)");
        return (new OpenSshPrivateKey(lines, new SshPublicKey($"ssh-ed25519 {Convert.ToBase64String(publicBlob)}")), null);
    }

    /// <summary>SSH wire format (RFC 4251, section 5): big-endian uint32 lengths, then bytes.</summary>
    private sealed class SshReader(byte[] data)
    {
        private int _at;

        public bool Magic(string magic)
        {
            var bytes = Encoding.ASCII.GetBytes(magic);
            if (data.Length < bytes.Length || !data.AsSpan(0, bytes.Length).SequenceEqual(bytes)) return false;
            _at = bytes.Length;
            return true;
        }

        public uint? UInt32()
        {
            if (_at + 4 > data.Length) return null;
            var value = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_at, 4));
            _at += 4;
            return value;
        }

        public byte[]? Bytes()
        {
            if (UInt32() is not { } length || length > data.Length - _at) return null;
            var bytes = data.AsSpan(_at, (int)length).ToArray();
            _at += (int)length;
            return bytes;
        }

        public string? Text() => Bytes() is { } b ? Encoding.ASCII.GetString(b) : null;
    }
}
