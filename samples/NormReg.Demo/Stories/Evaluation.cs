namespace NormReg.Demo.Stories;

/// <summary>Mean loss and accuracy of a trained network on one data set, in inference mode.</summary>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Accuracy">Fraction of samples classified correctly.</param>
public readonly record struct Evaluation(double Loss, double Accuracy);
