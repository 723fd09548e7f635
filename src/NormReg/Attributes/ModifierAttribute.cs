using System;

namespace NormReg;

/// <summary>
/// Base of the rows that modify the row before them instead of adding a layer: input scaling on
/// <c>[Input]</c>, and weight penalties and constraints on a layer with weights (<c>[Dense(128), L2(1e-4)]</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class ModifierAttribute : Attribute;
