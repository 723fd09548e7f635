using System;
using System.Diagnostics;
using System.Runtime;

namespace NormReg.Benchmarks;

/// <summary>
/// Brings a benchmark to the code a long-running process runs before BenchmarkDotNet measures it. With the .NET
/// defaults (tiered compilation with Dynamic PGO) a method first runs unoptimized, instrumented code, and is recompiled
/// in the background after about 30 calls and a 100 ms quiet period; a SIMD kernel runs 10–15× slower until then. A
/// few short warm-up iterations can end before that (seen here: a Dense.Forward sped up 11× in the middle of the
/// measured iterations), so every benchmark's global setup calls its operation until its time per call stops improving
/// and the JIT has stopped compiling. The second condition matters under ReadyToRun: hot precompiled code goes through one
/// more tier (instrumented, then optimized again), and a kernel could still run its unoptimized code after 0.3 s without
/// a 3 % gain (MnistMlp TrainStep at batch 2, ReadyToRun: 68 µs when tiered up, 120–200 µs in about half the processes).
/// </summary>
public static class SteadyState
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Maximum = TimeSpan.FromSeconds(5);
    private static readonly long Chunk = Stopwatch.Frequency / 50; // 20 ms
    private const int MinimumCalls = 60;

    /// <summary>
    /// Calls <paramref name="operation"/> until at least 60 calls and 0.4 s, with no 3 % gain and no method compiled in the last
    /// 0.3 s (at most 5 s). Under Native AOT nothing is compiled, and the count stays 0.
    /// </summary>
    public static void Reach(Action operation)
    {
        var clock = Stopwatch.StartNew();
        double best = double.PositiveInfinity;
        TimeSpan improved = TimeSpan.Zero, compiled = TimeSpan.Zero;
        long calls = 0, methods = JitInfo.GetCompiledMethodCount();
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
            long nowCompiled = JitInfo.GetCompiledMethodCount();
            if (nowCompiled != methods)
            {
                methods = nowCompiled;
                compiled = clock.Elapsed;
            }
            if (calls >= MinimumCalls && clock.Elapsed >= Minimum && clock.Elapsed - improved >= Quiet && clock.Elapsed - compiled >= Quiet) break;
        }
    }
}
