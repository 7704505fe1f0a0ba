using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Affect.Storage;

/// <summary>
/// Content-addressed keys of pipeline artifacts (<c>artifacts/{stage}/{key}/...</c>): a stage whose
/// key already has an output is not run again, so a key must change whenever anything that
/// determines the output changes, and only then.
/// </summary>
/// <remarks>
/// <para>key = the first <see cref="Length"/> lowercase hex digits of SHA-256 over the UTF-8 bytes
/// of the canonical form:</para>
/// <code>
/// affect-artifact-key/1\n
/// stage {n}:{stage}\n
/// version {version}\n
/// param {n}:{key} {n}:{value}\n     (one line per parameter, keys in ordinal order)
/// input {n}:{inputKey}\n            (one line per input, in the order given)
/// </code>
/// <para>where each <c>{n}</c> is the UTF-8 byte length of the text after the colon and the version is
/// in invariant decimal. Length prefixes make the encoding injective: no choice of names, values or
/// separators inside them can make two different tuples serialise alike. Input order is kept because
/// inputs are positional (e.g. train corpus, test corpus).</para>
/// </remarks>
public static class ArtifactKey
{
    /// <summary>Number of hex digits in a key (128 bits of the SHA-256 digest).</summary>
    public const int Length = 32;

    private const string Header = "affect-artifact-key/1";

    /// <summary>Strict UTF-8: a lone surrogate throws rather than silently becoming U+FFFD (which would merge keys).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Computes the key of a stage's output from its name, code version, parameters and input keys.</summary>
    /// <param name="stage">The stage name, e.g. <c>features</c>.</param>
    /// <param name="version">The stage's code version; bump it when the stage's output changes for the same inputs.</param>
    /// <param name="parameters">Parameters that affect the output; their order does not matter.</param>
    /// <param name="inputKeys">Keys (or content hashes) of the stage's inputs, in their meaningful order.</param>
    /// <returns>A <see cref="Length"/>-digit lowercase hex key.</returns>
    /// <exception cref="ArgumentException">When the stage is empty, the version negative, or a key or value null or not valid UTF-16.</exception>
    public static string Compute(string stage, int version, IReadOnlyDictionary<string, string> parameters, IEnumerable<string> inputKeys)
    {
        var canonical = Canonicalize(stage, version, parameters, inputKeys);
        var digest = SHA256.HashData(StrictUtf8.GetBytes(canonical));
        return Convert.ToHexStringLower(digest)[..Length];
    }

    /// <summary>Returns the canonical text that <see cref="Compute"/> hashes (see the class remarks), for logs and debugging.</summary>
    /// <param name="stage">The stage name.</param>
    /// <param name="version">The stage's code version.</param>
    /// <param name="parameters">The parameters, in any order.</param>
    /// <param name="inputKeys">The input keys, in order.</param>
    public static string Canonicalize(string stage, int version, IReadOnlyDictionary<string, string> parameters, IEnumerable<string> inputKeys)
    {
        if (string.IsNullOrEmpty(stage))
        {
            throw new ArgumentException("Artifact key: stage name is empty.", nameof(stage));
        }

        if (version < 0)
        {
            throw new ArgumentException($"Artifact key of stage '{stage}': version {version} is negative.", nameof(version));
        }

        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(inputKeys);

        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append("stage ");
        AppendCounted(text, stage);
        text.Append('\n');
        text.Append("version ").Append(version.ToString(CultureInfo.InvariantCulture)).Append('\n');

        var keys = new List<string>(parameters.Count);
        foreach (var (key, value) in parameters)
        {
            if (key is null)
            {
                throw new ArgumentException($"Artifact key of stage '{stage}': a parameter name is null.", nameof(parameters));
            }

            if (value is null)
            {
                throw new ArgumentException($"Artifact key of stage '{stage}': parameter '{key}' has a null value.", nameof(parameters));
            }

            keys.Add(key);
        }

        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            text.Append("param ");
            AppendCounted(text, key);
            text.Append(' ');
            AppendCounted(text, parameters[key]);
            text.Append('\n');
        }

        var index = 0;
        foreach (var input in inputKeys)
        {
            if (input is null)
            {
                throw new ArgumentException($"Artifact key of stage '{stage}': input key {index} is null.", nameof(inputKeys));
            }

            text.Append("input ");
            AppendCounted(text, input);
            text.Append('\n');
            index++;
        }

        return text.ToString();
    }

    private static void AppendCounted(StringBuilder text, string value)
    {
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Artifact key: '{value}' contains an unpaired surrogate at {e.Index}; it has no UTF-8 form.", e);
        }

        text.Append(bytes.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
    }
}
