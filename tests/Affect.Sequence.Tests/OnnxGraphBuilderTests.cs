using Affect.Sequence.Onnx;

namespace Affect.Sequence.Tests;

public sealed class OnnxGraphBuilderTests
{
    private const int Rows = 3;
    private const int InFeatures = 4;
    private const int OutFeatures = 2;

    private static readonly float[] Weights = [0.5f, -0.25f, 1.0f, 0.125f, -0.75f, 0.3f, 0.2f, -0.6f];   // [4, 2]
    private static readonly float[] Bias = [0.1f, -0.2f];

    private static byte[] DenseTanhModel() =>
        new OnnxGraphBuilder("dense_tanh")
            .AddInput("x", "batch", InFeatures)
            .AddOutput("y", "batch", OutFeatures)
            .AddInitializer("W", [InFeatures, OutFeatures], Weights)
            .AddInitializer("b", [OutFeatures], Bias)
            .AddNode("MatMul", ["x", "W"], ["xw"])
            .AddNode("Add", ["xw", "b"], ["z"])
            .AddNode("Tanh", ["z"], ["y"])
            .ToModelBytes();

    [Fact]
    public void MatMulAddTanhMatchesCSharp()
    {
        float[] x = [1f, 2f, -1f, 0.5f, -0.3f, 0.8f, 1.5f, -2f, 0f, 0.25f, -0.5f, 3f];

        using var predictor = OnnxPredictor.Load(DenseTanhModel(), "dense_tanh.onnx");
        var y = predictor.Run(new OnnxFloatTensor(x, Rows, InFeatures));

        Assert.Equal([Rows, OutFeatures], y.Shape);
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < OutFeatures; c++)
            {
                double z = Bias[c];
                for (var k = 0; k < InFeatures; k++)
                {
                    z += (double)x[(r * InFeatures) + k] * Weights[(k * OutFeatures) + c];
                }

                Assert.True(Math.Abs(Math.Tanh(z) - y.Values[(r * OutFeatures) + c]) <= 1e-6,
                    $"y[{r},{c}] = {y.Values[(r * OutFeatures) + c]}, expected {Math.Tanh(z)}");
            }
        }
    }

    [Fact]
    public void IntFloatAndIntsAttributesReachTheRuntime()
    {
        // Transpose(perm = [1, 0]) -> LeakyRelu(alpha = 0.1) -> Gemm(transA = 1, alpha = 2) with B = identity.
        float[] identity = [1f, 0f, 0f, 1f];
        var model = new OnnxGraphBuilder("attributes")
            .AddInput("x", 2, 3)
            .AddOutput("y", 3, 2)
            .AddInitializer("I", [2, 2], identity)
            .AddNode("Transpose", ["x"], ["xt"], OnnxAttribute.Ints("perm", 1, 0))
            .AddNode("LeakyRelu", ["xt"], ["r"], OnnxAttribute.Float("alpha", 0.1f))
            .AddNode("Transpose", ["r"], ["rt"], OnnxAttribute.Ints("perm", 1, 0))
            .AddNode("Gemm", ["rt", "I"], ["y"], OnnxAttribute.Int("transA", 1), OnnxAttribute.Float("alpha", 2f))
            .ToModelBytes();
        float[] x = [1f, -2f, 3f, -4f, 5f, -6f];   // [2, 3]

        using var predictor = OnnxPredictor.Load(model, "attributes.onnx");
        var y = predictor.Run(new OnnxFloatTensor(x, 2, 3));

        // y = 2 * leaky(x)^T, shape [3, 2]
        float[] expected = [2f, -0.8f, -0.4f, 10f, 6f, -1.2f];
        Assert.Equal([3L, 2L], y.Shape);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - y.Values[i]) <= 1e-6, $"y[{i}] = {y.Values[i]}, expected {expected[i]}");
        }
    }

    [Fact]
    public void SameGraphGivesIdenticalBytes()
    {
        Assert.Equal(DenseTanhModel(), DenseTanhModel());
    }

    [Fact]
    public void MalformedModelIsAClearError()
    {
        var bytes = DenseTanhModel();
        var truncated = bytes[..(bytes.Length / 2)];

        var error = Assert.Throws<InvalidDataException>(() => OnnxPredictor.Load(truncated, "models/broken.onnx"));
        Assert.StartsWith("models/broken.onnx: ONNX Runtime could not load the model", error.Message);
    }

    [Fact]
    public void UnknownOperatorIsAClearError()
    {
        var bytes = new OnnxGraphBuilder("bogus")
            .AddInput("x", 1)
            .AddOutput("y", 1)
            .AddNode("NoSuchOperator", ["x"], ["y"])
            .ToModelBytes();

        var error = Assert.Throws<InvalidDataException>(() => OnnxPredictor.Load(bytes, "bogus.onnx"));
        Assert.Contains("bogus.onnx", error.Message);
        Assert.Contains("NoSuchOperator", error.Message);
    }

    [Fact]
    public void InvalidGraphReportsEveryProblem()
    {
        var builder = new OnnxGraphBuilder("broken")
            .AddInput("x", 2)
            .AddOutput("y", 2)
            .AddOutput("never", 2)
            .AddNode("Relu", ["missing"], ["x"]);

        var error = Assert.Throws<InvalidOperationException>(builder.ToModelBytes);
        Assert.Contains("ONNX graph 'broken'", error.Message);
        Assert.Contains("input 'missing' is not a graph input", error.Message);
        Assert.Contains("value 'x' is already defined", error.Message);
        Assert.Contains("output 'y' is not produced", error.Message);
        Assert.Contains("output 'never' is not produced", error.Message);
    }

    [Fact]
    public void InitializerSizeMismatchIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new OnnxGraphBuilder("g").AddInitializer("W", [2, 3], new float[5]));
        Assert.Contains("initializer 'W': dims [2, 3] hold 6 values but 5 were given", error.Message);
    }

    [Fact]
    public void WrongInputShapeNamesTheInput()
    {
        using var predictor = OnnxPredictor.Load(DenseTanhModel(), "dense_tanh.onnx");

        var error = Assert.Throws<ArgumentException>(() => predictor.Run(new OnnxFloatTensor(new float[6], 2, 3)));
        Assert.Contains("dense_tanh.onnx: input 'x': shape [2, 3] does not match the model's [?, 4]", error.Message);
    }
}
