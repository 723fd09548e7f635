using System;

namespace NormReg;

/// <summary>
/// Inverted dropout: in training each value is kept with probability <c>1 − Rate</c> and scaled by
/// <c>1 / (1 − Rate)</c>, and the same mask routes the gradient back; at inference it is the identity.
/// Draws come from the network's seeded generator, so one seed gives identical runs.
/// </summary>
/// <remarks>PyTorch: <c>nn.Dropout(p=Rate)</c>. Keras: <c>Dropout(rate=Rate)</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Declares a dropout row.</summary>
    /// <param name="rate">Probability of dropping each value, in [0, 1).</param>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>Probability of dropping each value.</summary>
    public double Rate { get; }
}

/// <summary>
/// Spatial dropout for images: in training each channel of each image is dropped whole with probability <c>Rate</c> and
/// the kept channels are scaled by <c>1 / (1 − Rate)</c>; the same mask routes the gradient back; at inference the identity.
/// Neighbouring pixels of a feature map are strongly correlated, so dropping single values regularizes little; dropping
/// whole maps does (Tompson et al., 2015).
/// </summary>
/// <remarks>PyTorch: <c>nn.Dropout2d(p=Rate)</c>. Keras: <c>SpatialDropout2D(rate=Rate, data_format="channels_first")</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SpatialDropoutAttribute : LayerAttribute
{
    /// <summary>Declares a spatial dropout row.</summary>
    /// <param name="rate">Probability of dropping each channel, in [0, 1).</param>
    public SpatialDropoutAttribute(double rate) => Rate = rate;

    /// <summary>Probability of dropping each channel.</summary>
    public double Rate { get; }
}

/// <summary>
/// Additive Gaussian noise, <c>x + N(0, σ²)</c>, in training only: data augmentation for tabular inputs.
/// At inference it is the identity.
/// </summary>
/// <remarks>Keras: <c>GaussianNoise(stddev=σ)</c>. PyTorch has no layer; add <c>torch.randn_like(x)·σ</c> in training.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GaussianNoiseAttribute : LayerAttribute
{
    /// <summary>Declares a noise row.</summary>
    /// <param name="standardDeviation">σ of the noise; positive.</param>
    public GaussianNoiseAttribute(double standardDeviation) => StandardDeviation = standardDeviation;

    /// <summary>σ of the noise.</summary>
    public double StandardDeviation { get; }
}

/// <summary>
/// Adds <c>λ·Σ|w|</c> over the weights of the layer it follows to the training loss (gradient <c>λ·sign(w)</c>).
/// Biases are excluded unless <see cref="IncludeBias"/> is set. The penalty is reported apart from the data loss.
/// </summary>
/// <remarks>Keras: <c>kernel_regularizer=regularizers.L1(λ)</c> (same units). PyTorch: add <c>λ·w.abs().sum()</c> to the loss.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class L1Attribute : ModifierAttribute
{
    /// <summary>Declares an L1 penalty of strength <paramref name="l1"/> (Keras' default 0.01).</summary>
    public L1Attribute(double l1 = 0.01) => L1 = l1;

    /// <summary>Strength λ; positive.</summary>
    public double L1 { get; }

    /// <summary>Whether the bias (or a normalization layer's β) is penalized too. Default <see langword="false"/>.</summary>
    public bool IncludeBias { get; set; }
}

/// <summary>
/// Adds <c>λ·Σw²</c> over the weights of the layer it follows to the training loss, in Keras units with no ½:
/// the gradient is <c>2λ·w</c>, so with plain SGD it equals PyTorch's <c>weight_decay = 2λ</c> on those weights.
/// Biases are excluded unless <see cref="IncludeBias"/> is set.
/// </summary>
/// <remarks>Keras: <c>kernel_regularizer=regularizers.L2(λ)</c>. PyTorch: <c>SGD(..., weight_decay=2λ)</c> in a parameter group of the weights.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class L2Attribute : ModifierAttribute
{
    /// <summary>Declares an L2 penalty of strength <paramref name="l2"/> (Keras' default 0.01).</summary>
    public L2Attribute(double l2 = 0.01) => L2 = l2;

    /// <summary>Strength λ; positive.</summary>
    public double L2 { get; }

    /// <summary>Whether the bias (or a normalization layer's β) is penalized too. Default <see langword="false"/>.</summary>
    public bool IncludeBias { get; set; }
}

/// <summary>Both penalties at once: <c>l1·Σ|w| + l2·Σw²</c> (Keras units).</summary>
/// <remarks>Keras: <c>regularizers.L1L2(l1, l2)</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class L1L2Attribute : ModifierAttribute
{
    /// <summary>Declares both penalties; each strength must be positive.</summary>
    public L1L2Attribute(double l1, double l2)
    {
        L1 = l1;
        L2 = l2;
    }

    /// <summary>L1 strength.</summary>
    public double L1 { get; }

    /// <summary>L2 strength.</summary>
    public double L2 { get; }

    /// <summary>Whether the bias (or a normalization layer's β) is penalized too. Default <see langword="false"/>.</summary>
    public bool IncludeBias { get; set; }
}

/// <summary>
/// After every optimizer update, rescales each unit's incoming weight vector whose L2 norm exceeds
/// <c>MaxValue</c> back to that norm (Srivastava et al., 2014, recommend it together with dropout).
/// </summary>
/// <remarks>
/// PyTorch: <c>w.data = torch.renorm(w, 2, 0, MaxValue)</c> after <c>step()</c>. Keras: <c>kernel_constraint=MaxNorm(MaxValue)</c>,
/// which also shrinks norms below the limit by a factor norm/(norm + 1e-7).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxNormAttribute : ModifierAttribute
{
    /// <summary>Declares the constraint.</summary>
    /// <param name="maxValue">The largest allowed norm; positive.</param>
    public MaxNormAttribute(double maxValue) => MaxValue = maxValue;

    /// <summary>The largest allowed norm of a unit's incoming weights.</summary>
    public double MaxValue { get; }
}
