using System.Collections.Generic;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Generators.Planning;

/// <summary>Turns a <see cref="NetworkSpec"/> into an <see cref="ExecutionPlan"/>.</summary>
internal static class Planner
{
    public const string InputBuffer = "_input";

    public static ExecutionPlan Plan(NetworkSpec network)
    {
        var layers = new List<PlannedLayer>();
        int width = network.InputSize;
        int offset = 0;
        string inputBuffer = InputBuffer;
        string? inputGradient = null;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            LayerSpec layer = network.Layers[i];
            int outputs = layer.Kind == LayerKind.Dense ? layer.Units : width;
            string output = Naming.OutputField(layer.Name);
            string gradient = Naming.GradientField(layer.Name);

            int weightOffset = offset, weightCount = 0, biasOffset = -1;
            InitKind init = InitKind.None;
            if (layer.Kind == LayerKind.Dense)
            {
                weightCount = width * outputs;
                offset += weightCount;
                if (layer.UseBias)
                {
                    biasOffset = offset;
                    offset += outputs;
                }
                init = FollowingActivationIsReLUFamily(network.Layers, i) ? InitKind.HeUniform : InitKind.GlorotUniform;
            }

            layers.Add(new PlannedLayer(layer, width, outputs, inputBuffer, output, gradient, inputGradient, weightOffset, weightCount, biasOffset, init));
            width = outputs;
            inputBuffer = output;
            inputGradient = gradient;
        }
        return new ExecutionPlan(network, layers.ToEquatableArray(), offset, 0);
    }

    /// <summary>He initialization suits the ReLU family (He et al., 2015); the first activation before the next dense layer decides.</summary>
    private static bool FollowingActivationIsReLUFamily(EquatableArray<LayerSpec> layers, int dense)
    {
        for (int j = dense + 1; j < layers.Count; j++)
        {
            switch (layers[j].Kind)
            {
                case LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.GELU: return true;
                case LayerKind.Dense or LayerKind.Tanh or LayerKind.Sigmoid or LayerKind.Softmax: return false;
            }
        }
        return false;
    }
}
