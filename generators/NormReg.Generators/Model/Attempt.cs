using System;

namespace NormReg.Generators.Model;

/// <summary>
/// The outcome of one pipeline step for one network: a value, or the failure that stopped it. A failure on one
/// network becomes its NRG000 and leaves the other networks of the compilation to generate.
/// </summary>
/// <param name="Network">The network's <see cref="NetworkSpec.FullName"/>, to find where to report a failure.</param>
/// <param name="TypeName">The network's name, for the message.</param>
internal sealed record Attempt<T>(string Network, string TypeName, T? Value, string? Error)
    where T : class
{
    /// <summary>Runs <paramref name="step"/> on <paramref name="input"/>, catching what it throws (but not cancellation).</summary>
    public static Attempt<T> Run<TInput>(string network, string typeName, TInput input, Func<TInput, T> step)
    {
        try
        {
            return new Attempt<T>(network, typeName, step(input), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Attempt<T>(network, typeName, null, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Runs the next step on the value, or passes the failure on.</summary>
    public Attempt<TNext> Then<TNext>(Func<T, TNext> step)
        where TNext : class =>
        Value is null ? new Attempt<TNext>(Network, TypeName, null, Error) : Attempt<TNext>.Run(Network, TypeName, Value, step);
}
