using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace Affect.Training;

/// <summary>The parameters of any torch module as plain float arrays by PyTorch name: to compare, restore or export them.</summary>
public static class ModuleParameters
{
    /// <summary>Every parameter's values (copied to the CPU) by PyTorch name (conv1.weight, rnn.weight_ih_l0, ...).</summary>
    public static Dictionary<string, float[]> Values(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// All parameters as bytes, each name (UTF-8) then its float32 values, in ordinal name order: two trainings are
    /// bit-identical exactly when these bytes are.
    /// </summary>
    public static byte[] Bytes(torch.nn.Module module)
    {
        using var stream = new MemoryStream();
        foreach (var (name, values) in Values(module).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            stream.Write(Encoding.UTF8.GetBytes(name));
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }

        return stream.ToArray();
    }
}
