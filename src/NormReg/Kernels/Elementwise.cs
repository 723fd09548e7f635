using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

/// <summary>
/// An element-wise operation of two inputs and a constant, written once for every vector width and for the scalar tail with the
/// same float operations, so that every element gets the same bits whichever path computes it.
/// </summary>
internal interface IElementwise
{
    static abstract T Invoke<T>(T a, T b, T constant) where T : struct, IVector<T>;

    static abstract float Invoke(float a, float b, float constant);
}

/// <summary>Runs an <see cref="IElementwise"/> over spans at <see cref="Simd.Width"/>.</summary>
internal static class Elementwise
{
    /// <summary><c>destination[i] = TOperation(a[i], b[i], constant)</c> for every element of <paramref name="destination"/>.</summary>
    public static void Apply<TOperation>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, float constant,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "")
        where TOperation : IElementwise
    {
        if (a.Length < destination.Length) throw new ArgumentException($"{aName} must hold at least {destination.Length} values; got {a.Length}.", aName);
        if (b.Length < destination.Length) throw new ArgumentException($"{bName} must hold at least {destination.Length} values; got {b.Length}.", bName);
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        switch (Simd.Width)
        {
            case 512:
                Apply<TOperation, V512>(ref a0, ref b0, ref d0, destination.Length, constant);
                break;
            case 256:
                Apply<TOperation, V256>(ref a0, ref b0, ref d0, destination.Length, constant);
                break;
            default:
                Apply<TOperation, V128>(ref a0, ref b0, ref d0, destination.Length, constant);
                break;
        }
    }

    private static void Apply<TOperation, T>(ref float a, ref float b, ref float destination, int count, float constant)
        where TOperation : IElementwise where T : struct, IVector<T>
    {
        T k = T.Create(constant);
        int i = 0;
        for (; i + T.Count <= count; i += T.Count)
        {
            T.Store(TOperation.Invoke(T.Load(ref a, (nuint)i), T.Load(ref b, (nuint)i), k), ref destination, (nuint)i);
        }
        for (; i < count; i++) Unsafe.Add(ref destination, i) = TOperation.Invoke(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), constant);
    }
}
