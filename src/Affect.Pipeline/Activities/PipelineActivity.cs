using Microsoft.DurableTask;

namespace Affect.Pipeline.Activities;

/// <summary>
/// An activity of the pipeline: a plain class taking and returning small JSON records, hosted unchanged by the
/// Durable Task worker (through <see cref="DurableActivity{TActivity,TIn,TOut}"/>) and by Azure Functions wrappers.
/// </summary>
/// <typeparam name="TIn">The input record.</typeparam>
/// <typeparam name="TOut">The output record (references to blobs, never large payloads).</typeparam>
public interface IPipelineActivity<in TIn, TOut>
{
    /// <summary>Runs the activity; idempotent: an output that already exists under its key is returned, not recomputed.</summary>
    Task<TOut> RunAsync(TIn input, CancellationToken cancellationToken = default);
}

/// <summary>Adapts an <see cref="IPipelineActivity{TIn,TOut}"/> to the Durable Task worker's activity type.</summary>
/// <typeparam name="TActivity">The pipeline activity class.</typeparam>
/// <typeparam name="TIn">Its input record.</typeparam>
/// <typeparam name="TOut">Its output record.</typeparam>
public sealed class DurableActivity<TActivity, TIn, TOut>(TActivity activity) : TaskActivity<TIn, TOut>
    where TActivity : IPipelineActivity<TIn, TOut>
{
    /// <inheritdoc />
    public override Task<TOut> RunAsync(TaskActivityContext context, TIn input) => activity.RunAsync(input);
}
