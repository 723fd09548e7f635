using NormReg.Kernels;
using NormReg.Runtime;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// While a job takes long to reach a spinning worker (values cross between the cores slowly), the training passes split only four
/// times as much work; inference passes split as always.
/// </summary>
public sealed class CrossCoreTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(75, 1)]
    [InlineData(150, 1)]
    [InlineData(151, 4)]
    [InlineData(300, 4)]
    public void A_slow_handoff_quadruples_the_cost_of_a_split(long handoffNanoseconds, int cost) =>
        Assert.Equal(cost, WorkerPool.CostOf(handoffNanoseconds));

    [Fact]
    public void The_tests_run_at_the_cost_of_a_fast_handoff() => Assert.Equal(1, WorkerPool.SplitCost);

    [Fact]
    public void A_batch_with_less_than_the_cost_times_the_least_work_runs_whole()
    {
        const long perSample = BatchSplit.MinimumWork / 16;
        Assert.Equal(2, BatchSplit.Parts(32, perSample, 1000, threads: 2, cost: 1));
        Assert.Equal(1, BatchSplit.Parts(32, perSample, 1000, threads: 2, cost: 4));
        Assert.Equal(2, BatchSplit.Parts(64, perSample, 1000, threads: 2, cost: 4));
    }
}
