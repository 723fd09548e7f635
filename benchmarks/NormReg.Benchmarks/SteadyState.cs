using System;
using System.Diagnostics;

namespace NormReg.Benchmarks;

/// <summary>
/// Brings a benchmark to the code a long-running process runs before BenchmarkDotNet measures it. With the .NET
/// defaults (tiered compilation with Dynamic PGO) a method first runs unoptimized, instrumented code, and is recompiled
/// in the background after about 30 calls and a 100 ms quiet period; a SIMD kernel runs 10–15× slower until then. A
/// few short warm-up iterations can end before that (seen here: a Dense.Forward sped up 11× in the middle of the
/// measured iterations), so every benchmark's global setup calls its operation until its time per call stops improving.
/// </summary>
public static class SteadyState
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Maximum = TimeSpan.FromSeconds(5);
    private static readonly long Chunk = Stopwatch.Frequency / 50; // 20 ms
    private const int MinimumCalls = 60;

    /// <summary>Calls <paramref name="operation"/> until at least 60 calls and 0.4 s, with no 3 % gain in the last 0.3 s (at most 5 s).</summary>
    public static void Reach(Action operation)
    {
        var clock = Stopwatch.StartNew();
        double best = double.PositiveInfinity;
        TimeSpan improved = TimeSpan.Zero;
        long calls = 0;
        while (clock.Elapsed < Maximum)
        {
            long start = clock.ElapsedTicks;
            int n = 0;
            do
            {
                operation();
                n++;
            }
            while (clock.ElapsedTicks - start < Chunk);
            calls += n;
            double perCall = (double)(clock.ElapsedTicks - start) / n;
            if (perCall < 0.97 * best)
            {
                best = perCall;
                improved = clock.Elapsed;
            }
            if (calls >= MinimumCalls && clock.Elapsed >= Minimum && clock.Elapsed - improved >= Quiet) break;
        }
    }
}
