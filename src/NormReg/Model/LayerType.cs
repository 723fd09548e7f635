namespace NormReg;

/// <summary>The kind of one layer row, as <see cref="LayerDescription.Type"/> reports it.</summary>
public enum LayerType
{
    /// <summary><c>[Dense(units)]</c>: <c>nn.Linear</c>.</summary>
    Dense,

    /// <summary><c>[ReLU]</c>.</summary>
    ReLU,

    /// <summary><c>[LeakyReLU(alpha)]</c>; the slope is <see cref="LayerDescription.Alpha"/>.</summary>
    LeakyReLU,

    /// <summary><c>[Tanh]</c>.</summary>
    Tanh,

    /// <summary><c>[Sigmoid]</c>.</summary>
    Sigmoid,

    /// <summary><c>[GELU]</c>, the exact (erf) form.</summary>
    GELU,

    /// <summary><c>[Softmax]</c> over each sample's features.</summary>
    Softmax,

    /// <summary><c>[BatchNorm]</c>: <c>nn.BatchNorm1d</c>, or <c>nn.BatchNorm2d</c> (per channel) after a row on images.</summary>
    BatchNorm,

    /// <summary><c>[LayerNorm]</c>: <c>nn.LayerNorm</c> over each sample's values (all of <c>C·H·W</c> for an image).</summary>
    LayerNorm,

    /// <summary><c>[Dropout(p)]</c>: the identity at inference.</summary>
    Dropout,

    /// <summary><c>[GaussianNoise(σ)]</c>: the identity at inference.</summary>
    GaussianNoise,

    /// <summary><c>[Conv2D(filters, kernelSize)]</c>: <c>nn.Conv2d</c>; its weights are [<see cref="LayerDescription.Units"/> × <see cref="LayerDescription.FanIn"/>].</summary>
    Conv2D,

    /// <summary><c>[MaxPool2D(size)]</c>: <c>nn.MaxPool2d</c>.</summary>
    MaxPool2D,

    /// <summary><c>[AvgPool2D(size)]</c>: <c>nn.AvgPool2d</c>.</summary>
    AvgPool2D,

    /// <summary><c>[GlobalAvgPool]</c>: the mean of each channel.</summary>
    GlobalAvgPool,

    /// <summary><c>[Flatten]</c>: an image read as a vector; the values do not move.</summary>
    Flatten,

    /// <summary><c>[SpatialDropout(p)]</c>: <c>nn.Dropout2d</c>; the identity at inference.</summary>
    SpatialDropout,

    /// <summary><c>[RandomFlip]</c>: augmentation; the identity at inference.</summary>
    RandomFlip,

    /// <summary><c>[RandomRotation(factor)]</c>: augmentation; the identity at inference. The factor is <see cref="LayerDescription.Rate"/>.</summary>
    RandomRotation,

    /// <summary><c>[RandomTranslation(heightFactor, widthFactor)]</c>: augmentation; the identity at inference.</summary>
    RandomTranslation,
}
