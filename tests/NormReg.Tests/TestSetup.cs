using System.Runtime.CompilerServices;
using NormReg.Runtime;

namespace NormReg.Tests;

/// <summary>Runs once as the test assembly loads.</summary>
internal static class TestSetup
{
    /// <summary>
    /// The tests assert where the runtime splits work, so the split thresholds must not follow the machine's cross-core phase (see
    /// <see cref="WorkerPool.SplitCost"/>); <c>CrossCoreTests</c> checks that logic with given handoffs.
    /// </summary>
    [ModuleInitializer]
    internal static void PinSplitThresholds() => WorkerPool.Measuring = false;
}
