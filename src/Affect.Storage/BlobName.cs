using System.Text;

namespace Affect.Storage;

/// <summary>
/// Validation and composition of container and blob names, shared by every <see cref="IBlobStore"/>
/// so that a name accepted by the folder store is accepted by Azure Blob Storage and vice versa.
/// </summary>
/// <remarks>
/// Containers follow Azure's rule: 3–63 characters, lowercase ASCII letters, digits and single
/// hyphens, starting and ending with a letter or digit. Blob names are '/'-separated relative paths
/// of at most <see cref="MaxNameLength"/> characters whose segments are non-empty, not '.' or '..',
/// at most <see cref="MaxSegmentBytes"/> UTF-8 bytes (a file name limit of common file systems),
/// and contain no backslash or control character; a drive prefix such as <c>C:</c> is refused.
/// </remarks>
public static class BlobName
{
    /// <summary>The longest blob name accepted (Azure Blob Storage's limit, in characters).</summary>
    public const int MaxNameLength = 1024;

    /// <summary>The longest name segment accepted, in UTF-8 bytes (the ext4/NTFS file name limit).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="container"/> and <paramref name="name"/> are both valid.</summary>
    /// <param name="container">The container name.</param>
    /// <param name="name">The blob name within the container.</param>
    /// <exception cref="ArgumentException">Naming the container or blob and the rule broken.</exception>
    public static void Validate(string container, string name)
    {
        ValidateContainer(container);
        ValidateName(container, name);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="container"/> is a valid Azure container name.</summary>
    /// <param name="container">The container name.</param>
    /// <exception cref="ArgumentException">Naming the container and the rule broken.</exception>
    public static void ValidateContainer(string container)
    {
        var problem = ContainerProblem(container);
        if (problem is not null)
        {
            throw new ArgumentException($"Container name '{Printable(container)}' is invalid: {problem}.", nameof(container));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid blob name.</summary>
    /// <param name="container">The container, only used to name the blob in the message.</param>
    /// <param name="name">The blob name.</param>
    /// <exception cref="ArgumentException">Naming the blob and the rule broken.</exception>
    public static void ValidateName(string container, string name)
    {
        var problem = NameProblem(name);
        if (problem is not null)
        {
            throw new ArgumentException($"Blob name '{Printable(container)}/{Printable(name)}' is invalid: {problem}.", nameof(name));
        }
    }

    /// <summary>Returns whether <paramref name="name"/> is a valid blob name, without throwing.</summary>
    /// <param name="name">The candidate blob name.</param>
    public static bool IsValidName(string? name) => NameProblem(name) is null;

    /// <summary>Joins name segments with '/' and validates the result, e.g. <c>Combine("features", key, "x.npy")</c>.</summary>
    /// <param name="segments">Non-empty parts; a part may itself contain '/'-separated segments.</param>
    /// <returns>The combined, validated blob name.</returns>
    /// <exception cref="ArgumentException">When no segment is given, one is empty, or the result is not a valid name.</exception>
    public static string Combine(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException("Blob name needs at least one segment.", nameof(segments));
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (string.IsNullOrEmpty(segments[i]))
            {
                throw new ArgumentException($"Blob name segment {i} of {segments.Length} is empty.", nameof(segments));
            }
        }

        var name = string.Join('/', segments);
        var problem = NameProblem(name);
        if (problem is not null)
        {
            throw new ArgumentException($"Blob name '{Printable(name)}' combined from {segments.Length} segments is invalid: {problem}.", nameof(segments));
        }

        return name;
    }

    private static string? ContainerProblem(string? container)
    {
        if (container is null)
        {
            return "it is null";
        }

        if (container.Length is < 3 or > 63)
        {
            return $"length {container.Length} is outside 3–63 characters";
        }

        for (var i = 0; i < container.Length; i++)
        {
            var c = container[i];
            if (c == '-')
            {
                if (i == 0 || i == container.Length - 1)
                {
                    return "it must start and end with a lowercase letter or digit";
                }

                if (container[i - 1] == '-')
                {
                    return "consecutive hyphens are not allowed";
                }
            }
            else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9')))
            {
                return $"character '{Printable(c.ToString())}' at {i} is not a lowercase letter, digit or hyphen";
            }
        }

        return null;
    }

    private static string? NameProblem(string? name)
    {
        if (name is null)
        {
            return "it is null";
        }

        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"length {name.Length} exceeds {MaxNameLength} characters";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c))
            {
                return $"control character U+{(int)c:X4} at {i}";
            }

            if (c == '\\')
            {
                return $"backslash at {i} (use '/' to separate segments)";
            }
        }

        if (name[0] == '/')
        {
            return "it starts with '/' (names are relative to the container)";
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return $"it starts with a drive prefix '{name[..2]}' (names are relative to the container)";
        }

        var start = 0;
        while (start <= name.Length)
        {
            var end = name.IndexOf('/', start);
            if (end < 0)
            {
                end = name.Length;
            }

            var segment = name.AsSpan(start, end - start);
            if (segment.Length == 0)
            {
                return end == name.Length
                    ? "it ends with '/' (empty last segment)"
                    : $"empty segment at {start} ('//')";
            }

            if (segment is "." or "..")
            {
                return $"segment '{segment}' at {start} is not allowed ('.' and '..' could leave the container)";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"segment at {start} is longer than {MaxSegmentBytes} UTF-8 bytes";
            }

            start = end + 1;
        }

        return null;
    }

    /// <summary>Shows a name in a message with control characters escaped and very long names shortened.</summary>
    private static string Printable(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, 120));
        foreach (var c in value)
        {
            if (builder.Length >= 100)
            {
                builder.Append($"…({value.Length} chars)");
                break;
            }

            if (char.IsControl(c))
            {
                builder.Append($"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
