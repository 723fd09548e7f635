using System;

namespace NormReg;

/// <summary>
/// Standardizes each input feature, <c>(x − μ) / σ</c>, with μ and σ fitted from training data by
/// <c>FitNormalization</c> (biased variance; a feature of zero variance gets σ = 1, as scikit-learn's
/// <c>StandardScaler</c>). On an image input, μ and σ are per channel, over every pixel of it. The same in training and
/// inference; predicting before fitting is an error. Attach it to the input row: <c>[Input(64), ZScore]</c>.
/// </summary>
/// <remarks>
/// Keras: a <c>Normalization()</c> layer first (<c>axis=1</c> for channels-first images), then <c>layer.adapt(data)</c>.
/// PyTorch: standardize the tensors yourself; for images, torchvision's <c>Normalize(mean, std)</c> with the fitted values.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ZScoreAttribute : ModifierAttribute;

/// <summary>
/// Rescales each input feature to [<c>Low</c>, <c>High</c>]: <c>(x − min) / (max − min) · (High − Low) + Low</c>,
/// with min and max fitted by <c>FitNormalization</c> (per channel on an image input). A feature of zero range maps to <c>Low</c>.
/// Attach it to the input row: <c>[Input(8), MinMax(-1, 1, Clip = true)]</c>.
/// </summary>
/// <remarks>scikit-learn: <c>MinMaxScaler(feature_range=(low, high), clip=…)</c>. Keras: a <c>Rescaling</c> layer with constants you compute.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MinMaxAttribute : ModifierAttribute
{
    /// <summary>Declares min-max scaling to [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public MinMaxAttribute(double low = 0, double high = 1)
    {
        Low = low;
        High = high;
    }

    /// <summary>The value the fitted minimum maps to.</summary>
    public double Low { get; }

    /// <summary>The value the fitted maximum maps to; must exceed <see cref="Low"/>.</summary>
    public double High { get; }

    /// <summary>Whether values outside the fitted range are clipped to [<see cref="Low"/>, <see cref="High"/>]. Default <see langword="false"/>.</summary>
    public bool Clip { get; set; }
}
