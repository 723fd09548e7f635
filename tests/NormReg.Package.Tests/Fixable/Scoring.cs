using NormReg;
using Mode = NormReg.ForwardMode;

namespace Fixable;

/// <summary>Forward passes left in training mode whose outputs are read as predictions (NRG100), written in several ways at the call.</summary>
public static class Scoring
{
    /// <summary>Outputs read with no Backward after the pass.</summary>
    public static int TopClass(RegionNet net, float[] features, int batchSize)
    {
        var outputs = new float[batchSize * RegionNet.OutputSize];
        net.Forward(features, outputs, batchSize, ForwardMode.Training); // left over from the training loop
        return Array.IndexOf(outputs, outputs.Max());
    }

    /// <summary>A method that evaluates, even with a Backward after the pass; the mode fully qualified, and through an alias.</summary>
    public static double EvaluateLoss(MixedNet net, float[] features, int[] labels, int batchSize)
    {
        var outputs = new float[batchSize * MixedNet.OutputSize];
        var gradients = new float[outputs.Length];
        net.Forward(features, outputs, batchSize,
            NormReg.ForwardMode.Training);
        double loss = net.ComputeLoss(outputs, labels, batchSize, gradients);
        net.Backward(gradients, batchSize);
        net.Forward(features, outputs, batchSize, Mode.Training);
        return loss + outputs.Sum();
    }

    /// <summary>Named arguments and the mode on a line of its own, with a comment after it.</summary>
    public static float Probabilities(Fixable.Indented.IndentedNet net, float[] features, int batchSize)
    {
        var outputs = new float[batchSize];
        net.Forward(
            inputs: features,
            outputs: outputs,
            batchSize: batchSize,
            mode: ForwardMode.Training /* still training */);
        return outputs.Average();
    }

    /// <summary>A training step: training mode used for training, which must stay as it is.</summary>
    public static float Train(OneListNet net, float[] features, float[] targets, int batchSize, Optimizer optimizer)
    {
        var outputs = new float[batchSize * OneListNet.OutputSize];
        var gradients = new float[outputs.Length];
        net.Forward(features, outputs, batchSize, ForwardMode.Training);
        float loss = net.ComputeLoss(outputs, targets, batchSize, gradients);
        net.Backward(gradients, batchSize);
        net.Update(optimizer);
        return loss;
    }
}
