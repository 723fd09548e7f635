using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

/// <summary>
/// One SIMD width for the width-generic kernels. They are written once over <c>T : struct, IVector&lt;T&gt;</c>; the JIT (and
/// Native AOT) compiles one copy per width with every member inlined, so no interface call is left in a loop.
/// </summary>
internal interface IVector<TSelf> where TSelf : struct, IVector<TSelf>
{
    /// <summary>Floats per vector: 4, 8 or 16.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(ref float source, nuint offset);

    static abstract void Store(TSelf value, ref float destination, nuint offset);

    /// <summary>Stores each run of 8 lanes <paramref name="pitch"/> floats after the one before (a vector of 8 or 4 lanes is one run).</summary>
    static abstract void StoreRuns(TSelf value, ref float destination, nint pitch);

    /// <summary><see cref="Count"/> bfloat16 values (see <see cref="BFloat16"/>) widened exactly to floats.</summary>
    static abstract TSelf LoadBFloat16(ref ushort source, nuint offset);

    /// <summary><c>left·right + addend</c>, rounded once where the hardware has fused multiply-add (see <see cref="Simd.HasFma"/>).</summary>
    static abstract TSelf MultiplyAdd(TSelf left, TSelf right, TSelf addend);

    /// <summary>
    /// <paramref name="accumulator"/> = <see cref="MultiplyAdd"/>(<paramref name="left"/>, <paramref name="right"/>, <paramref name="accumulator"/>), the
    /// same bits, written in place. The kernels' accumulators use this form: assigned the value <see cref="MultiplyAdd"/> returns, each
    /// went through a temporary that the JIT did not fold under Native AOT, so that every fused multiply-add took a register copy or two
    /// (the 256-bit forward tile: 1.5 copies per FMA).
    /// </summary>
    static abstract void MultiplyAddTo(ref TSelf accumulator, TSelf left, TSelf right);

    /// <summary>Where <paramref name="mask"/>'s lanes are all ones, <paramref name="ifTrue"/>, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    static abstract TSelf LessThan(TSelf left, TSelf right);

    static abstract TSelf LessThanOrEqual(TSelf left, TSelf right);

    /// <summary>The magnitude of each lane (the sign bit cleared).</summary>
    static abstract TSelf Abs(TSelf value);

    /// <summary>
    /// The larger of each pair of lanes by the hardware's own maximum (x64 <c>maxps</c>, Arm64 <c>fmax</c>: one instruction where a
    /// compare and a select take three): which operand it gives for NaN or for zeros of either sign varies by platform, so it is for
    /// values without them.
    /// </summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>The lanes folded by halves down to four: lane <c>i</c> of 16 is added to lane <c>i + 8</c>, then of 8 to <c>i + 4</c>.</summary>
    static abstract Vector128<float> FoldToFour(TSelf value);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);
}

/// <summary>The kernels' SIMD width for this process, chosen once from what the hardware (or the Native AOT target) accelerates.</summary>
internal static class Simd
{
    /// <summary>Bits per vector of the kernels' path: 512, 256 or 128 (128 also where nothing is accelerated, in software).</summary>
    public static readonly int Width = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>
    /// Whether vector multiply-adds are fused (x64 FMA3, Arm64 AdvSimd). Every path that has it gives the same bits; without it,
    /// products are rounded before they are added and results differ in the last bits.
    /// </summary>
    public static bool HasFma => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>The scalar multiply-add the kernels' tails use: fused exactly when the vectors' is (see <see cref="HasFma"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float left, float right, float addend) => HasFma ? MathF.FusedMultiplyAdd(left, right, addend) : left * right + addend;

    /// <summary>
    /// The smallest normal float, 2^−126. The optimizers store a momentum or moment smaller than it in magnitude as 0 (<see cref="Flush(float)"/>):
    /// PyTorch keeps such subnormal values, on which x64 arithmetic runs many times slower, and the momentum of a weight whose
    /// gradient stays 0 (a dead ReLU unit) decays into them within some hundreds of steps. The 1024-1024-1024-10 network's step at
    /// batch 8 went from 670 to 920 µs once they had; flushed, it stays at 670. A flushed momentum moves its weight by less than
    /// the learning rate times 2^−126.
    /// </summary>
    public const float SmallestNormal = 1.17549435E-38f;

    /// <summary>0 for a value smaller than <see cref="SmallestNormal"/> in magnitude, else the value itself (NaN and infinities too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Flush(float value) => MathF.Abs(value) < SmallestNormal ? 0f : value;

    /// <summary><see cref="Flush(float)"/> for each lane, given <see cref="SmallestNormal"/> broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Flush<T>(T value, T smallestNormal) where T : struct, IVector<T> => T.Select(T.LessThan(T.Abs(value), smallestNormal), T.Zero, value);

    /// <summary><see cref="Flush(float)"/> for each lane of a 256-bit vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Flush(Vector256<float> value) =>
        Vector256.AndNot(value, Vector256.LessThan(Vector256.Abs(value), Vector256.Create(SmallestNormal)));

    /// <summary>The sum of each of four vectors' lanes as <c>(e0 + e1) + (e2 + e3)</c>, one per lane of the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector128<float> s0, Vector128<float> s1, Vector128<float> s2, Vector128<float> s3)
    {
        if (Sse3.IsSupported) return Sse3.HorizontalAdd(Sse3.HorizontalAdd(s0, s1), Sse3.HorizontalAdd(s2, s3));
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(s0, s1), AdvSimd.Arm64.AddPairwise(s2, s3));
        return Vector128.Create(Sum(s0), Sum(s1), Sum(s2), Sum(s3));
    }

    /// <summary>
    /// The sum of <paramref name="values"/> in one order on every machine (<see cref="System.Numerics.Tensors.TensorPrimitives.Sum(ReadOnlySpan{float})"/>'s
    /// follows the hardware's width): sixteen partial sums as four 128-bit vectors, folded in one tree, then the tail in order.
    /// </summary>
    public static float FixedOrderSum(ReadOnlySpan<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + 16 <= values.Length; i += 16)
        {
            s0 += Vector128.LoadUnsafe(ref v0, (nuint)i);
            s1 += Vector128.LoadUnsafe(ref v0, (nuint)(i + 4));
            s2 += Vector128.LoadUnsafe(ref v0, (nuint)(i + 8));
            s3 += Vector128.LoadUnsafe(ref v0, (nuint)(i + 12));
        }
        float sum = Sum((s0 + s1) + (s2 + s3));
        for (; i < values.Length; i++) sum += Unsafe.Add(ref v0, i);
        return sum;
    }

    /// <summary>The lanes of one vector added as <see cref="Sum4"/> adds them.</summary>
    public static float Sum(Vector128<float> s) => (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3));
}

/// <summary>The 128-bit width: SSE/AVX on x64, AdvSimd on Arm64, software elsewhere.</summary>
internal readonly struct V128(Vector128<float> value) : IVector<V128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => 4;

    public static V128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Load(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(V128 value, ref float destination, nuint offset) => value._value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRuns(V128 value, ref float destination, nint pitch) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 LoadBFloat16(ref ushort source, nuint offset)
    {
        // Four values, eight bytes, each put above a zero half by interleaving.
        Vector128<ushort> half = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, offset)))).AsUInt16();
        if (Sse2.IsSupported) return new(Sse2.UnpackLow(Vector128<ushort>.Zero, half).AsSingle());
        if (AdvSimd.Arm64.IsSupported) return new(AdvSimd.Arm64.ZipLow(Vector128<ushort>.Zero, half).AsSingle());
        return new(Vector128.ShiftLeft(Vector128.WidenLower(half), 16).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 MultiplyAdd(V128 left, V128 right, V128 addend) =>
        Fma.IsSupported ? new(Fma.MultiplyAdd(left._value, right._value, addend._value))
        : AdvSimd.IsSupported ? new(AdvSimd.FusedMultiplyAdd(addend._value, left._value, right._value))
        : new(left._value * right._value + addend._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAddTo(ref V128 accumulator, V128 left, V128 right)
    {
        // One store per branch: the address of a local left on the IL stack across a conditional expression is spilled to a
        // temporary, and the local then lives in memory.
        if (Fma.IsSupported) Unsafe.As<V128, Vector128<float>>(ref accumulator) = Fma.MultiplyAdd(left._value, right._value, accumulator._value);
        else if (AdvSimd.IsSupported) Unsafe.As<V128, Vector128<float>>(ref accumulator) = AdvSimd.FusedMultiplyAdd(accumulator._value, left._value, right._value);
        else Unsafe.As<V128, Vector128<float>>(ref accumulator) = left._value * right._value + accumulator._value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Select(V128 mask, V128 ifTrue, V128 ifFalse) => new(Vector128.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 GreaterThan(V128 left, V128 right) => new(Vector128.GreaterThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 LessThan(V128 left, V128 right) => new(Vector128.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 LessThanOrEqual(V128 left, V128 right) => new(Vector128.LessThanOrEqual(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Abs(V128 value) => new(Vector128.Abs(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Max(V128 left, V128 right) => Sse.IsSupported ? new(Sse.Max(left._value, right._value))
        : AdvSimd.IsSupported ? new(AdvSimd.Max(left._value, right._value))
        : new(Vector128.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FoldToFour(V128 value) => value._value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator +(V128 left, V128 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator -(V128 left, V128 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator *(V128 left, V128 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator /(V128 left, V128 right) => new(left._value / right._value);
}

/// <summary>The 256-bit width: AVX2 on x64.</summary>
internal readonly struct V256(Vector256<float> value) : IVector<V256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => 8;

    public static V256 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Load(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(V256 value, ref float destination, nuint offset) => value._value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRuns(V256 value, ref float destination, nint pitch) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 LoadBFloat16(ref ushort source, nuint offset)
    {
        Vector128<ushort> half = Vector128.LoadUnsafe(ref source, offset);
        Vector256<uint> wide = Avx2.IsSupported ? Avx2.ConvertToVector256Int32(half).AsUInt32() : Vector256.Create(Vector128.WidenLower(half), Vector128.WidenUpper(half));
        return new(Vector256.ShiftLeft(wide, 16).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 MultiplyAdd(V256 left, V256 right, V256 addend) =>
        Fma.IsSupported ? new(Fma.MultiplyAdd(left._value, right._value, addend._value)) : new(left._value * right._value + addend._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAddTo(ref V256 accumulator, V256 left, V256 right)
    {
        if (Fma.IsSupported) Unsafe.As<V256, Vector256<float>>(ref accumulator) = Fma.MultiplyAdd(left._value, right._value, accumulator._value);
        else Unsafe.As<V256, Vector256<float>>(ref accumulator) = left._value * right._value + accumulator._value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Select(V256 mask, V256 ifTrue, V256 ifFalse) => new(Vector256.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 GreaterThan(V256 left, V256 right) => new(Vector256.GreaterThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 LessThan(V256 left, V256 right) => new(Vector256.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 LessThanOrEqual(V256 left, V256 right) => new(Vector256.LessThanOrEqual(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Abs(V256 value) => new(Vector256.Abs(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Max(V256 left, V256 right) => Avx.IsSupported ? new(Avx.Max(left._value, right._value)) : new(Vector256.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FoldToFour(V256 value) => value._value.GetLower() + value._value.GetUpper();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator +(V256 left, V256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator -(V256 left, V256 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator *(V256 left, V256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator /(V256 left, V256 right) => new(left._value / right._value);
}

/// <summary>The 512-bit width: AVX-512 on x64.</summary>
internal readonly struct V512(Vector512<float> value) : IVector<V512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => 16;

    public static V512 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Load(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(V512 value, ref float destination, nuint offset) => value._value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRuns(V512 value, ref float destination, nint pitch)
    {
        value._value.GetLower().StoreUnsafe(ref destination);
        value._value.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, pitch));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 LoadBFloat16(ref ushort source, nuint offset)
    {
        Vector256<ushort> half = Vector256.LoadUnsafe(ref source, offset);
        Vector512<uint> wide = Avx512F.IsSupported ? Avx512F.ConvertToVector512UInt32(half) : Vector512.Create(Vector256.WidenLower(half), Vector256.WidenUpper(half));
        return new(Vector512.ShiftLeft(wide, 16).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 MultiplyAdd(V512 left, V512 right, V512 addend) =>
        Avx512F.IsSupported ? new(Avx512F.FusedMultiplyAdd(left._value, right._value, addend._value)) : new(left._value * right._value + addend._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAddTo(ref V512 accumulator, V512 left, V512 right)
    {
        if (Avx512F.IsSupported) Unsafe.As<V512, Vector512<float>>(ref accumulator) = Avx512F.FusedMultiplyAdd(left._value, right._value, accumulator._value);
        else Unsafe.As<V512, Vector512<float>>(ref accumulator) = left._value * right._value + accumulator._value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Select(V512 mask, V512 ifTrue, V512 ifFalse) => new(Vector512.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 GreaterThan(V512 left, V512 right) => new(Vector512.GreaterThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 LessThan(V512 left, V512 right) => new(Vector512.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 LessThanOrEqual(V512 left, V512 right) => new(Vector512.LessThanOrEqual(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Abs(V512 value) => new(Vector512.Abs(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Max(V512 left, V512 right) => Avx512F.IsSupported ? new(Avx512F.Max(left._value, right._value)) : new(Vector512.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FoldToFour(V512 value)
    {
        Vector256<float> eight = value._value.GetLower() + value._value.GetUpper();
        return eight.GetLower() + eight.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator +(V512 left, V512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator -(V512 left, V512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator *(V512 left, V512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator /(V512 left, V512 right) => new(left._value / right._value);
}
