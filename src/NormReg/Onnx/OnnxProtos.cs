using System;
using NormReg.Onnx.Proto;

namespace NormReg.Onnx;

/// <summary>Small constructors for the ONNX messages the exporter writes.</summary>
internal static class OnnxProtos
{
    /// <summary>A float32 tensor of <paramref name="values"/> with shape <paramref name="dims"/> (none for a scalar).</summary>
    public static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values.ToArray());
        return tensor;
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An integer-list attribute (kernel shapes, strides, pads).</summary>
    public static AttributeProto Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>
    /// A float32 value of shape [batch, ..<paramref name="sample"/>]: [batch, features], or [batch, channels, height, width]
    /// for an image, the batch dimension symbolic.
    /// </summary>
    public static ValueInfoProto Batch(string name, System.Collections.Generic.IReadOnlyList<int> sample, string documentation)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (int size in sample) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            DocString = documentation,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
