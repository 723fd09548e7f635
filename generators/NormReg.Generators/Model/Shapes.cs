namespace NormReg.Generators.Model;

/// <summary>
/// What each row makes of the shape it reads: the one place the parser (to check the rows) and the planner (to lay out
/// buffers and kernels) compute shapes.
/// </summary>
internal static class Shapes
{
    /// <summary>The shape <paramref name="layer"/> produces from <paramref name="input"/>, assuming <see cref="Problem"/> found none.</summary>
    public static ShapeSpec Output(LayerSpec layer, ShapeSpec input) => layer.Kind switch
    {
        LayerKind.Dense => ShapeSpec.Vector(layer.Units),
        LayerKind.Conv2D => ShapeSpec.Image(layer.Units, ConvOut(input.Height, layer), ConvOut(input.Width, layer)),
        LayerKind.MaxPool2D or LayerKind.AvgPool2D => ShapeSpec.Image(input.Channels, PoolOut(input.Height, layer), PoolOut(input.Width, layer)),
        LayerKind.GlobalAvgPool => ShapeSpec.Vector(input.Channels),
        LayerKind.Flatten => ShapeSpec.Vector(input.Size),
        _ => input,
    };

    /// <summary>
    /// Why <paramref name="layer"/> cannot read <paramref name="input"/>, or <see langword="null"/>: <c>Kind</c> tells the
    /// diagnostic (a row for images on a vector, a row for vectors on an image, a window that does not fit).
    /// </summary>
    public static (ShapeProblem Kind, string Text)? Problem(LayerSpec layer, ShapeSpec input)
    {
        switch (layer.Kind)
        {
            case LayerKind.Conv2D or LayerKind.MaxPool2D or LayerKind.AvgPool2D or LayerKind.GlobalAvgPool or LayerKind.SpatialDropout
                or LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation:
                if (!input.IsImage) return (ShapeProblem.NeedsImage, $"works on images, and its input is a vector of {input}");
                break;
            case LayerKind.Dense or LayerKind.Softmax:
                if (input.IsImage) return (ShapeProblem.NeedsVector, $"works on vectors, and its input is a {input} image (channels×height×width)");
                return null;
            default:
                return null;
        }
        if (layer.Kernel <= 0 || layer.Stride <= 0) return null; // the argument is reported already
        if (layer.Kind == LayerKind.Conv2D && !layer.SamePadding && (layer.Kernel > input.Height || layer.Kernel > input.Width))
        {
            return (ShapeProblem.DoesNotFit, $"its {layer.Kernel}×{layer.Kernel} kernel does not fit its {input} input without padding (Padding = Padding.Same pads it)");
        }
        if (layer.Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D && (layer.Kernel > input.Height || layer.Kernel > input.Width))
        {
            return (ShapeProblem.DoesNotFit, $"its {layer.Kernel}×{layer.Kernel} window does not fit its {input} input");
        }
        return null;
    }

    /// <summary>
    /// The first BatchNorm that sees one value per feature and sample (not an image's pixels, which BatchNorm2d counts too):
    /// the one that needs training batches of at least two. <see langword="null"/> when there is none.
    /// </summary>
    public static LayerSpec? BatchStatisticsLayer(NetworkSpec network)
    {
        ShapeSpec shape = network.InputShape;
        foreach (LayerSpec layer in network.Layers)
        {
            if (layer.Kind == LayerKind.BatchNorm && shape.Spatial == 1) return layer;
            shape = Output(layer, shape);
        }
        return null;
    }

    /// <summary>Valid: <c>⌊(in − k)/s⌋ + 1</c>; same: <c>⌈in/s⌉</c>.</summary>
    public static int ConvOut(int size, LayerSpec conv) =>
        conv.SamePadding ? (size + conv.Stride - 1) / conv.Stride : (size - conv.Kernel) / conv.Stride + 1;

    /// <summary>Padding before the first row or column: half the total, rounded down (the rest goes after), as Keras and TensorFlow.</summary>
    public static int PadBefore(int size, LayerSpec conv) =>
        conv.SamePadding ? System.Math.Max((ConvOut(size, conv) - 1) * conv.Stride + conv.Kernel - size, 0) / 2 : 0;

    /// <summary>Padding after the last row or column.</summary>
    public static int PadAfter(int size, LayerSpec conv) =>
        conv.SamePadding ? System.Math.Max((ConvOut(size, conv) - 1) * conv.Stride + conv.Kernel - size, 0) - PadBefore(size, conv) : 0;

    private static int PoolOut(int size, LayerSpec pool) => (size - pool.Kernel) / pool.Stride + 1;
}

/// <summary>Why a row cannot read its input's shape.</summary>
internal enum ShapeProblem
{
    NeedsImage,
    NeedsVector,
    DoesNotFit,
}
