using System;

namespace NormReg;

/// <summary>
/// A regressor's scores on a data set, as scikit-learn's <c>metrics</c> compute them over every output: mean squared
/// error, its root, mean absolute error and R² (the mean of each output's R², <c>multioutput="uniform_average"</c>).
/// For a <see cref="NormReg.Loss.BinaryCrossEntropy"/> network they score the probabilities (the sigmoid of the
/// outputs) against the targets, so <see cref="MeanSquaredError"/> is the Brier score.
/// </summary>
public sealed class RegressionMetrics
{
    private RegressionMetrics(double loss, double mse, double mae, double r2)
    {
        Loss = loss;
        MeanSquaredError = mse;
        MeanAbsoluteError = mae;
        R2 = r2;
    }

    /// <summary>The network's own loss, averaged over the samples, as training reports it.</summary>
    public double Loss { get; }

    /// <summary>The mean of (prediction − target)² over every value.</summary>
    public double MeanSquaredError { get; }

    /// <summary>The square root of <see cref="MeanSquaredError"/>.</summary>
    public double RootMeanSquaredError => Math.Sqrt(MeanSquaredError);

    /// <summary>The mean of |prediction − target| over every value.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>
    /// The coefficient of determination, <c>1 − Σ(y − ŷ)² / Σ(y − ȳ)²</c> per output, averaged over the outputs; an output
    /// whose targets are constant counts 1 when predicted exactly and 0 otherwise (scikit-learn's <c>force_finite</c>).
    /// </summary>
    public double R2 { get; }

    /// <summary>The metrics of <paramref name="predictions"/> against <paramref name="targets"/>, both samples × <paramref name="width"/>.</summary>
    internal static RegressionMetrics From(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int width, double loss)
    {
        int samples = targets.Length / width;
        double squared = 0, absolute = 0, r2 = 0;
        for (int j = 0; j < width; j++)
        {
            double mean = 0, residual = 0, total = 0;
            for (int i = 0; i < samples; i++) mean += targets[i * width + j];
            mean /= samples;
            for (int i = 0; i < samples; i++)
            {
                double y = targets[i * width + j], error = predictions[i * width + j] - y;
                residual += error * error;
                absolute += Math.Abs(error);
                total += (y - mean) * (y - mean);
            }
            squared += residual;
            r2 += total > 0 ? 1 - residual / total : residual == 0 ? 1 : 0;
        }
        return new RegressionMetrics(loss, squared / targets.Length, absolute / targets.Length, r2 / width);
    }
}
