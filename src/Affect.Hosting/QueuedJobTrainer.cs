using Affect.Pipeline.Training;
using Affect.Storage;

namespace Affect.Hosting;

/// <summary>
/// One kind of queued job the <see cref="TrainingWorker"/> trains besides the LSTMs: its <see cref="QueuedJobKind"/>
/// and its trainer (null: the worker gives such jobs up at once, naming the kind).
/// </summary>
public abstract class QueuedJobTrainer
{
    private protected QueuedJobTrainer(QueuedJobKind kind) => Kind = kind;

    /// <summary>The job kind.</summary>
    public QueuedJobKind Kind { get; }

    /// <summary>The kind <paramref name="kind"/> trained by <paramref name="runner"/> (null: none).</summary>
    public static QueuedJobTrainer For<TJob>(QueuedJobKind<TJob> kind, IQueuedJobRunner<TJob>? runner)
        where TJob : class, IQueuedTrainingJob
    {
        ArgumentNullException.ThrowIfNull(kind);
        return new Typed<TJob>(kind, runner);
    }

    /// <summary>The message as a validated job with its content key checked (<see cref="QueuedJobKind{TJob}.Read"/>).</summary>
    internal abstract IQueuedTrainingJob Read(string message);

    /// <summary>Trains a job <see cref="Read"/> returned; an <see cref="ArgumentException"/> when this worker has no trainer of the kind.</summary>
    internal abstract Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(IQueuedTrainingJob job, IBlobStore store, CancellationToken cancellationToken);

    private sealed class Typed<TJob>(QueuedJobKind<TJob> kind, IQueuedJobRunner<TJob>? runner) : QueuedJobTrainer(kind)
        where TJob : class, IQueuedTrainingJob
    {
        internal override IQueuedTrainingJob Read(string message) => kind.Read(message);

        internal override Task<IReadOnlyList<(string Name, byte[] Bytes)>> RunAsync(IQueuedTrainingJob job, IBlobStore store, CancellationToken cancellationToken) =>
            (runner ?? throw new ArgumentException($"kind: this worker has no {kind.Name} trainer")).RunAsync((TJob)job, store, cancellationToken);
    }
}
