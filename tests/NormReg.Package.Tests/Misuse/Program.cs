using System.Globalization;
using Misuse;
using NormReg;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged analyzers; other lines none.

var (trainX, trainY) = Data.Churn(2000, seed: 1);
var (testX, testY) = Data.Churn(500, seed: 2);

// Churn: L2 rows, trained with AdamW's decoupled decay as well, and early stopping with nothing to validate on.
var churn = new ChurnClassifier(maxBatchSize: 64, seed: 7);
churn.FitNormalization(trainX);
History history = churn.Fit(trainX, trainY, new AdamW(learningRate: 1e-3), new FitOptions // expect: NRG107
{
    Epochs = 40,
    BatchSize = 64,
    EarlyStopping = new EarlyStopping { Patience = 5, RestoreBestWeights = true }, // expect: NRG108
});
var (testLoss, testAccuracy) = churn.Evaluate(testX, testY);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"churn: {history.Epochs.Count} epochs, held-out loss {testLoss:0.000}, accuracy {testAccuracy:P1}"));

// A custom loop for the same network, then the two ways people leave training mode on when they measure it.
var custom = new ChurnClassifier(maxBatchSize: 64, seed: 8);
custom.FitNormalization(trainX);
var sgd = new Sgd(learningRate: 0.05, momentum: 0.9);
for (int epoch = 0; epoch < 10; epoch++)
{
    float loss = ChurnLoop.TrainEpoch(custom, trainX, trainY, sgd, batchSize: 64);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"epoch {epoch}: loss {loss:0.000}, train accuracy {ChurnLoop.TrainingAccuracy(custom, trainX, trainY, 64):P1}"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {ChurnLoop.EvaluateHoldout(custom, testX, testY):P1}"));

// Online updates as single events arrive.
for (int i = 0; i < 100; i++)
{
    ChurnLoop.LearnFromEvent(custom, testX.AsSpan(i * ChurnClassifier.InputSize, ChurnClassifier.InputSize), testY[i], sgd);
}

// Default risk: fine-tuned one applicant at a time, with Fit.
var (riskX, riskY) = Data.Risk(1000, seed: 3);
var risk = new DefaultRiskModel(maxBatchSize: 32, seed: 1);
risk.FitNormalization(riskX);
risk.Fit(riskX, riskY, new Sgd(0.01), new FitOptions
{
    Epochs = 5,
    BatchSize = 1, // expect: NRG106
});

// Demand: a validation split makes early stopping meaningful; nothing to report here.
var (demandX, demandY) = Data.Demand(1500, seed: 4);
var demand = new DemandForecaster(maxBatchSize: 32, seed: 2);
demand.FitNormalization(demandX); // expect: NRG109
demand.Fit(demandX, demandY, new Adam(3e-3), new FitOptions
{
    Epochs = 100,
    ValidationSplit = 0.2,
    EarlyStopping = new EarlyStopping { Patience = 10 },
});
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demand: penalty {demand.Penalty:0.0000}"));

// Digits: AdamW on a network without L2 rows is fine; so is Monte-Carlo dropout, opted into.
var (digitX, digitY) = Data.Digits(1000, seed: 5);
var digits = new DigitClassifier(maxBatchSize: 32, seed: 3);
digits.FitNormalization(digitX);
digits.Fit(digitX, digitY, new AdamW(1e-3), new FitOptions { Epochs = 3, EarlyStopping = new EarlyStopping { Monitor = Metric.Loss } });
var (mean, spread) = ChurnLoop.PredictWithUncertainty(digits, digitX.AsSpan(0, DigitClassifier.InputSize), samples: 20);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"digit 0: class {digits.Classify(digitX.AsSpan(0, DigitClassifier.InputSize))}, top score {mean:0.00} ± {spread:0.00}"));
