using NormReg;

namespace IdeTour.Errors;

// Declarations that break the structural rules. Each is an error (NRG001–NRG013, NRG015–NRG017): the network is not generated and the
// build fails. This file is compiled only with `dotnet build -p:ShowErrors=true` (or <ShowErrors>true</ShowErrors> in the
// project file, to see the errors live in the IDE). A line that ends in an expectation comment must get exactly the NRG
// diagnostics it lists. NRG000 (the generator's own failure) cannot be shown on purpose.

[Network(Loss = Loss.SoftmaxCrossEntropy)] // expect: NRG001 — no [Input] row; fix: add [Input(8)] first
[Dense(3)]
public partial class NoInput;

[Network]
[Input(8)]
[Input(4)] // expect: NRG002 — a second [Input]; fix: one input row, the first
[Dense(3)]
public partial class TwoInputs;

[Network]
[Dense(16)]
[Input(8)] // expect: NRG003 — a layer comes before [Input]; fix: move [Input] to the top
[Dense(3)]
public partial class LateInput;

[Network]
[Input(8)]
[Dense(3)]
public class NotPartial; // expect: NRG004 — the generator adds to the class; fix: declare it partial

[Network]
[Input(8)]
[Dense(16)]
public partial class SplitRows;

[Dense(3)] // expect: NRG005 — a row on another partial declaration has no defined order; fix: keep every row with [Network]
public partial class SplitRows;

[Input(8)] // expect: NRG006 — rows on a class without [Network]; fix: add [Network]
[Dense(3)] // expect: NRG006 — same row, same cause
public partial class ForgotNetwork;

[Network]
[Input(8)]
[Dense(0)] // expect: NRG007 — a layer of zero units; fix: a positive size
[Dense(3)]
public partial class ZeroUnits;

[Network]
[Input(8)]
[Dense(16, Name = "Hidden")]
[ReLU]
[Dense(16, Name = "Hidden")] // expect: NRG008 — a name used twice; fix: rename one
[Dense(3)]
public partial class DuplicateNames;

[Network]
[Input(8)]
[Dense(3, Name = "Predict")] // expect: NRG009 — the generator emits a member of that name; fix: another name
public partial class ReservedName;

[Network(Loss = Loss.MeanSquaredError)]
[Input(8), ZScore] // expect: NRG010 — nothing after the input; fix: add a layer
public partial class NoLayers;

[Network]
[Input(8)]
[Dense(16)]
[Dropout(1.0)] // expect: NRG011 — a rate of 1 drops everything; fix: a rate in [0, 1)
[Dense(3)]
public partial class DropEverything;

[Network]
[Input(8)]
[Dense(16)]
[ReLU, L2(1e-4)] // expect: NRG012 — an activation has no weights to penalize; fix: attach it to the Dense row
[Dense(3)]
public partial class PenalizedActivation;

[Network]
[Input(8)]
[Dense(16), L1(1e-5), L2(1e-4)] // expect: NRG013 — two penalties on one row; fix: [L1L2(1e-5, 1e-4)]
[Dense(3)]
public partial class TwoPenalties;

[Network]
[Input(1, 6, 6)]
[Conv2D(8, 7)] // expect: NRG015 — a 7×7 kernel does not fit a 6×6 image; fix: a smaller kernel, or Padding = Padding.Same
[Flatten]
[Dense(3)]
public partial class KernelTooLarge;

[Network]
[Input(64)]
[Conv2D(8, 3)] // expect: NRG016 — a convolution slides over an image, and the input is a vector; fix: [Input(1, 8, 8)]
[Dense(3)]
public partial class ConvolutionOnVector;

[Network]
[Input(1, 8, 8)]
[Conv2D(8, 3)]
[Dense(3)] // expect: NRG017 — a Dense row reads a vector; fix: [Flatten] before it (the code fix inserts it)
public partial class DenseOnImage;
