using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

public static partial class BatchNorm
{
    /// <summary>
    /// One sample's row of a chunk of features against the chunk's per-feature values in double: sixteen features a step at 512 bits,
    /// eight at 256, four at 128, one past them. Each feature's value goes through the same double operations at every width
    /// (widening a float to double, adding, multiplying, dividing and narrowing are exact or rounded once), so the bits do not depend
    /// on the path. Each width is written out: one <c>Vector&lt;T&gt;</c> loop, 256 bits on x64, took 16–17 µs for MnistMlp's first
    /// forward (batch 128 × 256 features) where the 512-bit one takes 14.
    /// </summary>
    private static class Rows
    {
        /// <summary><c>sum[i] += x[i]</c>.</summary>
        public static void Add(ReadOnlySpan<float> x, Span<double> sum)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref double rs = ref MemoryMarshal.GetReference(sum);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= x.Length; i += 16)
                {
                    (Vector512<double> low, Vector512<double> high) = Vector512.Widen(Vector512.LoadUnsafe(ref rx, (nuint)i));
                    (Load512(ref rs, i) + low).StoreUnsafe(ref rs, (nuint)i);
                    (Load512(ref rs, i + 8) + high).StoreUnsafe(ref rs, (nuint)i + 8);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= x.Length; i += 8)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.LoadUnsafe(ref rx, (nuint)i));
                    (Load256(ref rs, i) + low).StoreUnsafe(ref rs, (nuint)i);
                    (Load256(ref rs, i + 4) + high).StoreUnsafe(ref rs, (nuint)i + 4);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= x.Length; i += 4)
                {
                    (Vector128<double> low, Vector128<double> high) = Vector128.Widen(Vector128.LoadUnsafe(ref rx, (nuint)i));
                    (Load128(ref rs, i) + low).StoreUnsafe(ref rs, (nuint)i);
                    (Load128(ref rs, i + 2) + high).StoreUnsafe(ref rs, (nuint)i + 2);
                }
            }
            for (; i < x.Length; i++) sum[i] += x[i];
        }

        /// <summary><c>squares[i] += (x[i] − mean[i])²</c>.</summary>
        public static void AddSquaredDeviations(ReadOnlySpan<float> x, ReadOnlySpan<double> mean, Span<double> squares)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref double rm = ref MemoryMarshal.GetReference(mean), rq = ref MemoryMarshal.GetReference(squares);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= x.Length; i += 16)
                {
                    (Vector512<double> low, Vector512<double> high) = Vector512.Widen(Vector512.LoadUnsafe(ref rx, (nuint)i));
                    Vector512<double> d0 = low - Load512(ref rm, i), d1 = high - Load512(ref rm, i + 8);
                    (Load512(ref rq, i) + d0 * d0).StoreUnsafe(ref rq, (nuint)i);
                    (Load512(ref rq, i + 8) + d1 * d1).StoreUnsafe(ref rq, (nuint)i + 8);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= x.Length; i += 8)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.LoadUnsafe(ref rx, (nuint)i));
                    Vector256<double> d0 = low - Load256(ref rm, i), d1 = high - Load256(ref rm, i + 4);
                    (Load256(ref rq, i) + d0 * d0).StoreUnsafe(ref rq, (nuint)i);
                    (Load256(ref rq, i + 4) + d1 * d1).StoreUnsafe(ref rq, (nuint)i + 4);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= x.Length; i += 4)
                {
                    (Vector128<double> low, Vector128<double> high) = Vector128.Widen(Vector128.LoadUnsafe(ref rx, (nuint)i));
                    Vector128<double> d0 = low - Load128(ref rm, i), d1 = high - Load128(ref rm, i + 2);
                    (Load128(ref rq, i) + d0 * d0).StoreUnsafe(ref rq, (nuint)i);
                    (Load128(ref rq, i + 2) + d1 * d1).StoreUnsafe(ref rq, (nuint)i + 2);
                }
            }
            for (; i < x.Length; i++)
            {
                double d = x[i] - mean[i];
                squares[i] += d * d;
            }
        }

        /// <summary>
        /// <c>normalized[i] = (x[i] − mean[i])·inverse[i]</c>, rounded to float, and <c>y[i] = normalized[i]·gamma[i] + beta[i]</c> in float, the
        /// product rounded before the sum.
        /// </summary>
        public static void Normalize(ReadOnlySpan<float> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> inverse, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
            Span<float> normalized, Span<float> y)
        {
            ref float rx = ref MemoryMarshal.GetReference(x), rn = ref MemoryMarshal.GetReference(normalized), ry = ref MemoryMarshal.GetReference(y);
            ref float rg = ref MemoryMarshal.GetReference(gamma), rb = ref MemoryMarshal.GetReference(beta);
            ref double rm = ref MemoryMarshal.GetReference(mean), ri = ref MemoryMarshal.GetReference(inverse);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= x.Length; i += 16)
                {
                    (Vector512<double> low, Vector512<double> high) = Vector512.Widen(Vector512.LoadUnsafe(ref rx, (nuint)i));
                    Vector512<float> n = Vector512.Narrow((low - Load512(ref rm, i)) * Load512(ref ri, i), (high - Load512(ref rm, i + 8)) * Load512(ref ri, i + 8));
                    n.StoreUnsafe(ref rn, (nuint)i);
                    (n * Vector512.LoadUnsafe(ref rg, (nuint)i) + Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= x.Length; i += 8)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.LoadUnsafe(ref rx, (nuint)i));
                    Vector256<float> n = Vector256.Narrow((low - Load256(ref rm, i)) * Load256(ref ri, i), (high - Load256(ref rm, i + 4)) * Load256(ref ri, i + 4));
                    n.StoreUnsafe(ref rn, (nuint)i);
                    (n * Vector256.LoadUnsafe(ref rg, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= x.Length; i += 4)
                {
                    (Vector128<double> low, Vector128<double> high) = Vector128.Widen(Vector128.LoadUnsafe(ref rx, (nuint)i));
                    Vector128<float> n = Vector128.Narrow((low - Load128(ref rm, i)) * Load128(ref ri, i), (high - Load128(ref rm, i + 2)) * Load128(ref ri, i + 2));
                    n.StoreUnsafe(ref rn, (nuint)i);
                    (n * Vector128.LoadUnsafe(ref rg, (nuint)i) + Vector128.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
                }
            }
            for (; i < x.Length; i++)
            {
                float n = (float)((x[i] - mean[i]) * inverse[i]);
                normalized[i] = n;
                float scaled = n * gamma[i];
                y[i] = scaled + beta[i];
            }
        }

        /// <summary><c>sumDy[i] += dy[i]</c> and <c>sumDyXhat[i] += dy[i]·xhat[i]</c>.</summary>
        public static void AddWithProducts(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, Span<double> sumDy, Span<double> sumDyXhat)
        {
            ref float rg = ref MemoryMarshal.GetReference(dy), rh = ref MemoryMarshal.GetReference(xhat);
            ref double rs = ref MemoryMarshal.GetReference(sumDy), rp = ref MemoryMarshal.GetReference(sumDyXhat);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= dy.Length; i += 16)
                {
                    (Vector512<double> g0, Vector512<double> g1) = Vector512.Widen(Vector512.LoadUnsafe(ref rg, (nuint)i));
                    (Vector512<double> h0, Vector512<double> h1) = Vector512.Widen(Vector512.LoadUnsafe(ref rh, (nuint)i));
                    (Load512(ref rs, i) + g0).StoreUnsafe(ref rs, (nuint)i);
                    (Load512(ref rs, i + 8) + g1).StoreUnsafe(ref rs, (nuint)i + 8);
                    (Load512(ref rp, i) + g0 * h0).StoreUnsafe(ref rp, (nuint)i);
                    (Load512(ref rp, i + 8) + g1 * h1).StoreUnsafe(ref rp, (nuint)i + 8);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= dy.Length; i += 8)
                {
                    (Vector256<double> g0, Vector256<double> g1) = Vector256.Widen(Vector256.LoadUnsafe(ref rg, (nuint)i));
                    (Vector256<double> h0, Vector256<double> h1) = Vector256.Widen(Vector256.LoadUnsafe(ref rh, (nuint)i));
                    (Load256(ref rs, i) + g0).StoreUnsafe(ref rs, (nuint)i);
                    (Load256(ref rs, i + 4) + g1).StoreUnsafe(ref rs, (nuint)i + 4);
                    (Load256(ref rp, i) + g0 * h0).StoreUnsafe(ref rp, (nuint)i);
                    (Load256(ref rp, i + 4) + g1 * h1).StoreUnsafe(ref rp, (nuint)i + 4);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= dy.Length; i += 4)
                {
                    (Vector128<double> g0, Vector128<double> g1) = Vector128.Widen(Vector128.LoadUnsafe(ref rg, (nuint)i));
                    (Vector128<double> h0, Vector128<double> h1) = Vector128.Widen(Vector128.LoadUnsafe(ref rh, (nuint)i));
                    (Load128(ref rs, i) + g0).StoreUnsafe(ref rs, (nuint)i);
                    (Load128(ref rs, i + 2) + g1).StoreUnsafe(ref rs, (nuint)i + 2);
                    (Load128(ref rp, i) + g0 * h0).StoreUnsafe(ref rp, (nuint)i);
                    (Load128(ref rp, i + 2) + g1 * h1).StoreUnsafe(ref rp, (nuint)i + 2);
                }
            }
            for (; i < dy.Length; i++)
            {
                sumDy[i] += dy[i];
                sumDyXhat[i] += (double)dy[i] * xhat[i];
            }
        }

        /// <summary><c>dx[i] = scale[i]·(dy[i] − meanDy[i] − xhat[i]·meanDyXhat[i])</c>, rounded to float.</summary>
        public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<double> meanDy, ReadOnlySpan<double> meanDyXhat, ReadOnlySpan<double> scale, Span<float> dx)
        {
            ref float rg = ref MemoryMarshal.GetReference(dy), rh = ref MemoryMarshal.GetReference(xhat), rd = ref MemoryMarshal.GetReference(dx);
            ref double rm = ref MemoryMarshal.GetReference(meanDy), rp = ref MemoryMarshal.GetReference(meanDyXhat), rs = ref MemoryMarshal.GetReference(scale);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= dy.Length; i += 16)
                {
                    (Vector512<double> g0, Vector512<double> g1) = Vector512.Widen(Vector512.LoadUnsafe(ref rg, (nuint)i));
                    (Vector512<double> h0, Vector512<double> h1) = Vector512.Widen(Vector512.LoadUnsafe(ref rh, (nuint)i));
                    Vector512.Narrow(Load512(ref rs, i) * (g0 - Load512(ref rm, i) - h0 * Load512(ref rp, i)),
                        Load512(ref rs, i + 8) * (g1 - Load512(ref rm, i + 8) - h1 * Load512(ref rp, i + 8))).StoreUnsafe(ref rd, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= dy.Length; i += 8)
                {
                    (Vector256<double> g0, Vector256<double> g1) = Vector256.Widen(Vector256.LoadUnsafe(ref rg, (nuint)i));
                    (Vector256<double> h0, Vector256<double> h1) = Vector256.Widen(Vector256.LoadUnsafe(ref rh, (nuint)i));
                    Vector256.Narrow(Load256(ref rs, i) * (g0 - Load256(ref rm, i) - h0 * Load256(ref rp, i)),
                        Load256(ref rs, i + 4) * (g1 - Load256(ref rm, i + 4) - h1 * Load256(ref rp, i + 4))).StoreUnsafe(ref rd, (nuint)i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= dy.Length; i += 4)
                {
                    (Vector128<double> g0, Vector128<double> g1) = Vector128.Widen(Vector128.LoadUnsafe(ref rg, (nuint)i));
                    (Vector128<double> h0, Vector128<double> h1) = Vector128.Widen(Vector128.LoadUnsafe(ref rh, (nuint)i));
                    Vector128.Narrow(Load128(ref rs, i) * (g0 - Load128(ref rm, i) - h0 * Load128(ref rp, i)),
                        Load128(ref rs, i + 2) * (g1 - Load128(ref rm, i + 2) - h1 * Load128(ref rp, i + 2))).StoreUnsafe(ref rd, (nuint)i);
                }
            }
            for (; i < dy.Length; i++) dx[i] = (float)(scale[i] * (dy[i] - meanDy[i] - xhat[i] * meanDyXhat[i]));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Load512(ref double source, int offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<double> Load128(ref double source, int offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Load256(ref double source, int offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);
    }
}
