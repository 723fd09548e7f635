using NormReg;
using NormReg.Demo.Stories;

namespace NormReg.Demo.Reporting;

/// <summary>Receives the progress of a story's runs as they train; runs are numbered in the order they were listed.</summary>
public interface IProgressTracker
{
    /// <summary>Run <paramref name="run"/> finished epoch <paramref name="result"/>.</summary>
    void EpochEnded(int run, EpochResult result);

    /// <summary>Run <paramref name="run"/> finished, after its planned epochs or when early stopping ended it.</summary>
    void RunFinished(int run, VariantResult result);
}
