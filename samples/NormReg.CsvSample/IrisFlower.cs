using CsvHelper.Configuration.Attributes;

namespace CsvSample;

/// <summary>One row of iris.csv; CsvHelper maps the header's column names to the properties.</summary>
public sealed class IrisFlower
{
    /// <summary>The species names, in the order of the network's classes.</summary>
    public static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    [Name("sepal_length_cm")]
    public float SepalLength { get; init; }

    [Name("sepal_width_cm")]
    public float SepalWidth { get; init; }

    [Name("petal_length_cm")]
    public float PetalLength { get; init; }

    [Name("petal_width_cm")]
    public float PetalWidth { get; init; }

    [Name("species")]
    public string SpeciesName { get; init; } = "";

    /// <summary>The class index of <see cref="SpeciesName"/>.</summary>
    public int Label => System.Array.IndexOf(Species, SpeciesName) is int label and >= 0
        ? label
        : throw new System.IO.InvalidDataException($"Unknown species \"{SpeciesName}\"; expected one of {string.Join(", ", Species)}.");
}
