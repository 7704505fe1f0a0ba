// libtorch's random generator and intra-op thread count are process-wide: tests that assert bit-identical training
// must not interleave with other torch work, so this assembly runs its test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
