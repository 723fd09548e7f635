namespace NormReg.Generators.Emitting;

/// <summary>One generated file: its stable hint name and its text.</summary>
internal sealed record GeneratedSource(string HintName, string Text);
