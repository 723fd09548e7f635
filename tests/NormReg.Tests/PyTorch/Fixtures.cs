using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// Reads the PyTorch reference fixtures in <c>tests/fixtures/pytorch/*.json</c>, written by
/// <c>make_fixtures.py</c> beside them: <c>{"generator", "torch", "cases": [...]}</c> with flat row-major arrays.
/// </summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<string, JsonElement> Documents = new();

    /// <summary>The root object of a fixture file, parsed once.</summary>
    public static JsonElement Document(string file) => Documents.GetOrAdd(file, static f =>
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Repository.Path("tests", "fixtures", "pytorch", f)));
        return document.RootElement.Clone();
    });

    /// <summary>The names of a file's cases, one theory row each.</summary>
    public static TheoryData<string> CaseNames(string file) =>
        new(Document(file).GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static JsonElement Case(string file, string name) =>
        Document(file).GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>A flat list of numbers; each is a float32 value written exactly, so the cast is exact.</summary>
    public static float[] Floats(this JsonElement element, string property) => element.GetProperty(property).ToFloats();

    /// <summary>The element, a list of numbers, as floats.</summary>
    public static float[] ToFloats(this JsonElement element) => element.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static int Int(this JsonElement element, string property) => element.GetProperty(property).GetInt32();

    public static double Double(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    /// <summary>
    /// Asserts that every value is within <paramref name="absolute"/> of the expected one, or within
    /// <paramref name="relative"/> of its magnitude; returns the largest absolute error.
    /// </summary>
    public static double AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double absolute, double relative = 0)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        var mismatches = new List<string>();
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)expected[i] - actual[i]);
            largest = Math.Max(largest, double.IsNaN(error) ? double.PositiveInfinity : error);
            if (!(error <= absolute || error <= relative * Math.Abs(expected[i])))
            {
                mismatches.Add($"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9} (error {error:G3})");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        return largest;
    }
}
