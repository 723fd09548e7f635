using System;

namespace NormReg;

/// <summary>
/// Base of every attribute row that is a layer of a network. Rows are read in the order they appear
/// on the class declaration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name, a C# identifier. It names the generated accessor of the layer's parameters.
    /// When omitted, names follow Keras: the kind and a 1-based count per kind (<c>Dense1</c>, <c>ReLU2</c>).
    /// </summary>
    public string? Name { get; set; }
}
