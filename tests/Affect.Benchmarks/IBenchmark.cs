namespace Affect.Benchmarks;

/// <summary>A benchmark sub-command: measures Affect against the reference tool in the same run and prints a ratio.</summary>
public interface IBenchmark
{
    /// <summary>Sub-command name.</summary>
    string Name { get; }

    /// <summary>One line: what is measured against what.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args);
}
