namespace NormReg.Package.Tests;

/// <summary>
/// The test classes that consume the package share one <see cref="PackedPackage"/>, so it is packed once per run.
/// Tests of one collection run one after another, which also keeps their builds from competing for the cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "NormReg.Gen package";
}
