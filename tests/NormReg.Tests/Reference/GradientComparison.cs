using System;
using System.Collections.Generic;

namespace NormReg.Tests.Reference;

/// <summary>Central finite differences in double precision, and the comparison with analytic gradients.</summary>
internal static class GradientComparison
{
    public const double Tolerance = 1e-3;

    /// <summary>Below this magnitude, errors are measured against it rather than against the gradient itself.</summary>
    public const double Floor = 1e-4;

    /// <summary>∂f/∂θᵢ ≈ (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / 2h for every i.</summary>
    public static double[] CentralDifferences(Func<double[], double> f, double[] at, double h = 1e-6)
    {
        var gradient = new double[at.Length];
        var probe = (double[])at.Clone();
        for (int i = 0; i < at.Length; i++)
        {
            probe[i] = at[i] + h;
            double plus = f(probe);
            probe[i] = at[i] - h;
            double minus = f(probe);
            probe[i] = at[i];
            gradient[i] = (plus - minus) / (2 * h);
        }
        return gradient;
    }

    /// <summary>Every index whose relative error |a − n| / max(|a|, |n|, <see cref="Floor"/>) exceeds <see cref="Tolerance"/>.</summary>
    public static List<string> Mismatches(ReadOnlySpan<float> analytic, double[] numeric, string what)
    {
        var mismatches = new List<string>();
        if (analytic.Length != numeric.Length)
        {
            mismatches.Add($"{what}: {analytic.Length} analytic values against {numeric.Length} numeric ones");
            return mismatches;
        }
        for (int i = 0; i < numeric.Length; i++)
        {
            double error = RelativeError(analytic[i], numeric[i]);
            if (!(error < Tolerance)) mismatches.Add($"{what}[{i}]: analytic {analytic[i]:G9}, numeric {numeric[i]:G9}, relative error {error:G3}");
        }
        return mismatches;
    }

    public static double RelativeError(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) / Math.Max(Floor, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));
}
