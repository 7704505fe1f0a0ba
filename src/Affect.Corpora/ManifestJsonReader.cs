using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Affect.Corpora;

/// <summary>
/// Reads the manifest JSON into the record tree, reporting structural problems (syntax, types, missing and unknown
/// properties, unknown enum values). Missing pieces get placeholders so the semantic rules can still run.
/// </summary>
internal static class ManifestJsonReader
{
    private static readonly string[] RootProperties = ["schemaVersion", "name", "kind", "sampleRate", "dimensions", "classes", "files"];
    private static readonly string[] FileProperties = ["id", "audio", "speaker", "partition", "labels", "label"];
    private static readonly string[] LabelProperties = ["path", "rate", "raters"];

    /// <summary>Returns the tree (null when the text is not a JSON object at all) and the structural problems.</summary>
    public static (CorpusManifest? Manifest, List<CorpusProblem> Problems) Read(string json, string source)
    {
        var problems = new List<CorpusProblem>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            string detail = ex.Message;
            int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                detail = detail[..cut];
            }

            problems.Add(new CorpusProblem(source, "$", $"not valid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {detail}"));
            return (null, problems);
        }

        using (doc)
        {
            problems.AddRange(FindUndecodableStrings(json, source));
            if (problems.Count > 0)
            {
                return (null, problems);
            }

            var r = new Reader(source, problems);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new CorpusProblem(source, "$", $"the manifest is a JSON {Describe(root.ValueKind)} (expected an object)"));
                return (null, problems);
            }

            r.CheckProperties(root, "", RootProperties);
            int schema = r.Int(root, "", "schemaVersion", CorpusManifest.CurrentSchemaVersion);
            string name = r.String(root, "", "name") ?? "";
            bool hasClasses = root.TryGetProperty("classes", out _);
            var kind = r.Enum(root, "", "kind", ["dimensional", "categorical"], hasClasses ? 1 : 0) == 1 ? CorpusKind.Categorical : CorpusKind.Dimensional;
            int sampleRate = r.Int(root, "", "sampleRate", 16000);
            var dimensions = r.StringList(root, "", "dimensions", required: kind == CorpusKind.Dimensional);
            var classes = r.StringList(root, "", "classes", required: kind == CorpusKind.Categorical);
            var files = new List<CorpusEntry>();
            if (!root.TryGetProperty("files", out var filesEl))
            {
                problems.Add(new CorpusProblem(source, "files", "is missing (expected an array with one entry per audio file)"));
            }
            else if (filesEl.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new CorpusProblem(source, "files", $"is a JSON {Describe(filesEl.ValueKind)} (expected an array)"));
            }
            else
            {
                int i = 0;
                foreach (var f in filesEl.EnumerateArray())
                {
                    files.Add(ReadEntry(r, f, $"files[{i}]", kind));
                    i++;
                }
            }

            return (new CorpusManifest(schema, name, kind, sampleRate, dimensions, classes, files), problems);
        }
    }

    private static CorpusEntry ReadEntry(Reader r, JsonElement f, string path, CorpusKind kind)
    {
        if (f.ValueKind != JsonValueKind.Object)
        {
            r.Add(path, $"is a JSON {Describe(f.ValueKind)} (expected an object)");
            return new CorpusEntry("", "", "", CorpusPartition.Train);
        }

        r.CheckProperties(f, path, FileProperties);
        string id = r.String(f, path, "id") ?? "";
        string audio = r.String(f, path, "audio") ?? "";
        string speaker = r.String(f, path, "speaker") ?? "";
        var partition = (CorpusPartition)r.Enum(f, path, "partition", ["train", "devel", "test"], 0);
        CorpusLabels? labels = null;
        if (f.TryGetProperty("labels", out var l))
        {
            labels = ReadLabels(r, l, path + ".labels");
        }
        else if (kind == CorpusKind.Dimensional)
        {
            r.Add(path + ".labels", "is missing (dimensional corpora need a label file reference: {\"path\", \"rate\", \"raters\"})");
        }

        string? label = null;
        if (f.TryGetProperty("label", out var c))
        {
            if (c.ValueKind == JsonValueKind.String)
            {
                label = c.GetString();
            }
            else if (c.ValueKind != JsonValueKind.Null)
            {
                r.Add(path + ".label", $"is a JSON {Describe(c.ValueKind)} (expected a class name string, or null in the test partition)");
            }
        }

        return new CorpusEntry(id, audio, speaker, partition, labels, label);
    }

    private static CorpusLabels? ReadLabels(Reader r, JsonElement l, string path)
    {
        if (l.ValueKind != JsonValueKind.Object)
        {
            r.Add(path, $"is a JSON {Describe(l.ValueKind)} (expected an object {{\"path\", \"rate\", \"raters\"}})");
            return null;
        }

        r.CheckProperties(l, path, LabelProperties);
        string file = r.String(l, path, "path") ?? "";
        double rate = 25;
        if (!l.TryGetProperty("rate", out var rateEl))
        {
            r.Add(path + ".rate", "is missing (expected the label frame rate in Hz, e.g. 25)");
        }
        else if (rateEl.ValueKind != JsonValueKind.Number || !rateEl.TryGetDouble(out rate))
        {
            r.Add(path + ".rate", $"is a JSON {Describe(rateEl.ValueKind)} (expected a number of frames per second, e.g. 25)");
            rate = 25;
        }

        var raters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!l.TryGetProperty("raters", out var ratersEl))
        {
            r.Add(path + ".raters", "is missing (expected {\"<dimension>\": [\"<column>\", ...]})");
        }
        else if (ratersEl.ValueKind != JsonValueKind.Object)
        {
            r.Add(path + ".raters", $"is a JSON {Describe(ratersEl.ValueKind)} (expected {{\"<dimension>\": [\"<column>\", ...]}})");
        }
        else
        {
            foreach (var p in ratersEl.EnumerateObject())
            {
                if (raters.ContainsKey(p.Name))
                {
                    r.Add($"{path}.raters.{p.Name}", "appears twice (expected each dimension once)");
                    continue;
                }

                raters[p.Name] = r.StringArray(p.Value, $"{path}.raters.{p.Name}");
            }
        }

        return new CorpusLabels(file, rate, raters);
    }

    /// <summary>
    /// Finds strings and property names that parse as JSON but cannot become .NET strings, such as a lone UTF-16
    /// surrogate escape (<c>"\ud800"</c>); each is reported at its JSON path instead of crashing a later read.
    /// </summary>
    internal static List<CorpusProblem> FindUndecodableStrings(string json, string source)
    {
        var problems = new List<CorpusProblem>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 });
        var frames = new List<(bool IsArray, int Index, string? Name)>();
        string Path()
        {
            var sb = new StringBuilder();
            foreach (var (isArray, index, name) in frames)
            {
                if (isArray)
                {
                    sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else if (name is not null)
                {
                    sb.Append(sb.Length == 0 ? "" : ".").Append(name);
                }
            }

            return sb.Length == 0 ? "$" : sb.ToString();
        }

        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray) && frames.Count > 0 && frames[^1].IsArray)
            {
                frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
            }

            switch (token)
            {
                case JsonTokenType.StartObject:
                    frames.Add((false, -1, null));
                    break;
                case JsonTokenType.StartArray:
                    frames.Add((true, -1, null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    string? name = TryDecode(ref reader);
                    if (name is null)
                    {
                        frames[^1] = frames[^1] with { Name = null };
                        problems.Add(new CorpusProblem(source, Path(), $"a property name is not valid text: {UndecodableHint}"));
                        name = "?";
                    }

                    frames[^1] = frames[^1] with { Name = name };
                    break;
                case JsonTokenType.String:
                    if (TryDecode(ref reader) is null)
                    {
                        problems.Add(new CorpusProblem(source, Path(), $"is not valid text: {UndecodableHint}"));
                    }

                    break;
            }
        }

        return problems;
    }

    private const string UndecodableHint = "it holds a lone UTF-16 surrogate escape such as \\ud800 (expected a high surrogate \\ud800-\\udbff followed by a low surrogate \\udc00-\\udfff, or plain text)";

    private static string? TryDecode(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    /// <summary>Typed property access that records a problem instead of throwing.</summary>
    private sealed class Reader(string source, List<CorpusProblem> problems)
    {
        public void Add(string field, string message) => problems.Add(new CorpusProblem(source, field, message));

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        public void CheckProperties(JsonElement obj, string path, string[] allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in obj.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    Add(Join(path, p.Name), "appears twice (expected each property once)");
                }
                else if (Array.IndexOf(allowed, p.Name) < 0)
                {
                    string? near = allowed.FirstOrDefault(a => string.Equals(a, p.Name, StringComparison.OrdinalIgnoreCase));
                    string hint = near is null ? $"expected one of {string.Join(", ", allowed)}" : $"did you mean '{near}'? names are case-sensitive";
                    Add(Join(path, p.Name), $"is not a known property ({hint})");
                }
            }
        }

        public string? String(JsonElement obj, string path, string name)
        {
            string field = Join(path, name);
            if (!obj.TryGetProperty(name, out var v))
            {
                Add(field, "is missing (expected a string)");
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Add(field, $"is a JSON {Describe(v.ValueKind)} (expected a string)");
                return null;
            }

            return v.GetString();
        }

        public int Int(JsonElement obj, string path, string name, int placeholder)
        {
            string field = Join(path, name);
            if (!obj.TryGetProperty(name, out var v))
            {
                Add(field, "is missing (expected an integer)");
                return placeholder;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value))
            {
                Add(field, $"{Show(v)} is not an integer (expected an integer such as {placeholder})");
                return placeholder;
            }

            return value;
        }

        public int Enum(JsonElement obj, string path, string name, string[] values, int placeholder)
        {
            string field = Join(path, name);
            string expected = string.Join(" | ", values.Select(v => $"\"{v}\""));
            if (!obj.TryGetProperty(name, out var v))
            {
                Add(field, $"is missing (expected {expected})");
                return placeholder;
            }

            int index = v.ValueKind == JsonValueKind.String ? Array.IndexOf(values, v.GetString()) : -1;
            if (index < 0)
            {
                Add(field, $"{Show(v)} is not a known value (expected {expected})");
                return placeholder;
            }

            return index;
        }

        public IReadOnlyList<string> StringList(JsonElement obj, string path, string name, bool required)
        {
            string field = Join(path, name);
            if (!obj.TryGetProperty(name, out var v))
            {
                if (required)
                {
                    Add(field, "is missing (expected an array of strings)");
                }

                return [];
            }

            return StringArray(v, field);
        }

        public IReadOnlyList<string> StringArray(JsonElement v, string field)
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                Add(field, $"is a JSON {Describe(v.ValueKind)} (expected an array of strings)");
                return [];
            }

            var list = new List<string>();
            int i = 0;
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    list.Add(item.GetString()!);
                }
                else
                {
                    Add($"{field}[{i}]", $"is a JSON {Describe(item.ValueKind)} (expected a string)");
                }

                i++;
            }

            return list;
        }

        private static string Show(JsonElement v)
        {
            string raw = v.GetRawText();
            return raw.Length > 40 ? raw[..40] + "..." : raw;
        }
    }
}
