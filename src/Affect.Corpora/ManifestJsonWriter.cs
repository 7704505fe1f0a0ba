using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Affect.Corpora;

/// <summary>Writes a manifest with a fixed property order and formatting, so equal manifests give equal bytes.</summary>
internal static class ManifestJsonWriter
{
    public static string Write(CorpusManifest m)
    {
        ArgumentNullException.ThrowIfNull(m);
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", m.SchemaVersion);
            w.WriteString("name", m.Name);
            w.WriteString("kind", CorpusNames.Kind(m.Kind));
            w.WriteNumber("sampleRate", m.SampleRate);
            if (m.Kind == CorpusKind.Dimensional || m.Dimensions.Count > 0)
            {
                WriteStrings(w, "dimensions", m.Dimensions);
            }

            if (m.Kind == CorpusKind.Categorical || m.Classes.Count > 0)
            {
                WriteStrings(w, "classes", m.Classes);
            }

            w.WriteStartArray("files");
            foreach (var f in m.Files)
            {
                w.WriteStartObject();
                w.WriteString("id", f.Id);
                w.WriteString("audio", f.Audio);
                w.WriteString("speaker", f.Speaker);
                w.WriteString("partition", CorpusNames.Partition(f.Partition));
                if (f.Labels is { } labels)
                {
                    w.WriteStartObject("labels");
                    w.WriteString("path", labels.Path);
                    w.WriteNumber("rate", labels.Rate);
                    w.WriteStartObject("raters");
                    var order = m.Dimensions.Where(labels.Raters.ContainsKey)
                        .Concat(labels.Raters.Keys.Where(k => !m.Dimensions.Contains(k)).Order(StringComparer.Ordinal));
                    foreach (string dim in order)
                    {
                        WriteStrings(w, dim, labels.Raters[dim]);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                if (m.Kind == CorpusKind.Categorical || f.Label is not null)
                {
                    if (f.Label is null)
                    {
                        w.WriteNull("label");
                    }
                    else
                    {
                        w.WriteString("label", f.Label);
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}

/// <summary>The JSON spellings of the manifest's enumerations.</summary>
internal static class CorpusNames
{
    public static string Kind(CorpusKind kind) => kind == CorpusKind.Categorical ? "categorical" : "dimensional";

    public static string Partition(CorpusPartition p) => p switch
    {
        CorpusPartition.Train => "train",
        CorpusPartition.Devel => "devel",
        _ => "test",
    };
}
