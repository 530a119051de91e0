#include "panels/SetupFieldHelp.h"

#include <QCoreApplication>
#include <QHash>

namespace minimascope::ui {

QString setupFieldHelp(const QString& fieldName)
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("SetupFieldHelp", text); };
    static const QHash<QString, QString> help{
        {QStringLiteral("preset"),
         tr("A shipped run configuration (resources/presets): data set, model, optimizer and stop rules in one "
            "step. Loading one is a single step of Edit ▸ Undo.")},
        {QStringLiteral("dataset"),
         tr("The examples whose mean loss f = (1/n) Σᵢ fᵢ the run minimizes; a and s are measured over the same "
            "examples. Own arrays… trains on your own classification data (docs/own-model.md).")},
        {QStringLiteral("dataPath"),
         tr("dataset.path: a .npz file holding X and y (optionally X_test, y_test), a folder with X.npy and y.npy "
            "(picking X.npy picks its folder), or a .csv with a header and a label column. Leave it in place: "
            "analyze and landscape read it again.")},
        {QStringLiteral("dataBrowse"), tr("Choose the .npz, .csv or X.npy of your own data.")},
        {QStringLiteral("labelColumn"),
         tr("dataset.label_column: the CSV column holding the class labels 0..k−1; every other column is a "
            "feature.")},
        {QStringLiteral("testPath"),
         tr("dataset.test_path: a held-out CSV with the same columns, for the test loss and accuracy; empty = "
            "no test numbers. It does not enter a, s or the bounds.")},
        {QStringLiteral("testBrowse"), tr("Choose the held-out CSV.")},
        {QStringLiteral("numClasses"),
         tr("dataset.num_classes: k, the labels being 0..k−1; 0 takes the largest label + 1. Set it when the "
            "first n examples lack the last classes but the model has k outputs.")},
        {QStringLiteral("n"),
         tr("n, the training examples the run uses: the loss is their mean, and n enters the non-uniformity "
            "bound s ≤ √(B(n−1)/(n−B))/η (B = n is GD, which has no s bound).")},
        {QStringLiteral("testN"),
         tr("Held-out examples for the test loss and accuracy (generalization); 0 = none. They do not enter "
            "a, s or the bounds.")},
        {QStringLiteral("classes"),
         tr("Keep only these classes, renumbered 0..k−1 (e.g. 0, 1 for a two-class problem); empty keeps all.")},
        {QStringLiteral("noise"),
         tr("The standard deviation of the Gaussian noise of the synthetic data set: more noise makes the "
            "examples disagree more, which is what s measures.")},
        {QStringLiteral("seed"),
         tr("The seed of the initial weights and of the batch draws: the same config and seed repeat the run. "
            "A TorchScript model starts from its file's weights, so there it draws the batches only.")},
        {QStringLiteral("model"),
         tr("The network whose parameters x the run trains; a = λmax(H) and s = √λmax(Σ) are taken over all of "
            "them. TorchScript file… trains your own PyTorch network (docs/own-model.md).")},
        {QStringLiteral("modelPath"),
         tr("model.path: a module saved with torch.jit.script(model).save(path) whose forward maps a float32 "
            "batch of examples to the logits [batch, k]. Training starts from its saved weights; a and s go "
            "through autograd, slower than for the built-in networks.")},
        {QStringLiteral("modelBrowse"), tr("Choose the TorchScript file (.pt).")},
        {QStringLiteral("widths"),
         tr("The hidden widths of the fully connected network, its input and output sized from the data: "
            "256, 256, 256, 256 is the 784-256×4-10 network of the Fashion-MNIST experiments.")},
        {QStringLiteral("activation"), tr("The nonlinearity after each hidden layer.")},
        {QStringLiteral("x0"),
         tr("Where the escape toy's one parameter starts. Next to x = 1 (a = 2, s = 1.8) SGD with η = 0.7 and "
            "B = 1 leaves for x = 0 (s = 0), since 1.8 > 1/η; GD stays.")},
        {QStringLiteral("optimizer"),
         tr("How the parameters move. The stability diagram's bounds are SGD's (GD is B = n); for AdaGrad, "
            "Adam, L-BFGS, SAM and AdaHessian the measured (a, s) is drawn against SGD's rectangle, not "
            "theirs.")},
        {QStringLiteral("lr"),
         tr("Learning rate η, the step size. It sets both bounds, a ≤ 2/η (every gradient method) and "
            "s ≤ √(B(n−1)/(n−B))/η: a larger η shrinks both.")},
        {QStringLiteral("batchSize"),
         tr("Batch size B, the examples per step. It enters only the non-uniformity bound "
            "s ≤ √(B(n−1)/(n−B))/η (√B/η with replacement): a smaller B lowers it, B = n removes it.")},
        {QStringLiteral("sampling"),
         tr("How batches are drawn. subset: a fresh uniform B-subset every step, the Theorem's draw, "
            "s ≤ √(B(n−1)/(n−B))/η; shuffle: once per epoch (everyday practice), bounded as B-subsets; "
            "replacement: B independent indices, s ≤ √B/η.")},
        {QStringLiteral("momentum"),
         tr("Heavy-ball momentum (0 = plain SGD or GD). The bounds drawn are those of plain SGD, without "
            "momentum.")},
        {QStringLiteral("weightDecay"), tr("L2 weight decay: adds weight_decay · x to every gradient; 0 = none.")},
        {QStringLiteral("beta1"),
         tr("Adam's and AdaHessian's decay rate of the first moment, the running mean of the gradients.")},
        {QStringLiteral("beta2"),
         tr("Adam's decay rate of the second moment, the running mean of squared gradients (AdaHessian: of the "
            "squared Hessian diagonal estimate).")},
        {QStringLiteral("rho"),
         tr("SAM's radius ρ: each step takes the gradient at the worst point of a ball of radius ρ around x, "
            "which steers training toward flat minima (Foret et al. 2021). SGD's bounds do not apply to SAM.")},
        {QStringLiteral("historySize"),
         tr("How many past steps L-BFGS keeps to model the inverse Hessian. L-BFGS is full batch (B = n), so "
            "there is no s bound.")},
        {QStringLiteral("startOptimizer"),
         tr("Start the run with another optimizer and switch to the one above at the chosen iteration (the "
            "config's switch; e.g. Adam first, then SGD: Im, Tao & Branson 2016). Its options other than η and B "
            "take their defaults. The bounds drawn are those of the optimizer the run ends with; the loss plot "
            "marks the switch.")},
        {QStringLiteral("startLr"),
         tr("switch.from.lr: the start optimizer's learning rate; empty = its default (0.001 for Adam, 1 for "
            "L-BFGS, 0.15 for AdaHessian, 0.1 for the others). It does not enter the bounds: a ≤ 2/η uses the η "
            "of the optimizer the run ends with.")},
        {QStringLiteral("startBatchSize"),
         tr("switch.from.batch_size: the start optimizer's batch size (GD and L-BFGS use all n). It does not "
            "enter the bounds: s ≤ √(B(n−1)/(n−B))/η uses the B of the optimizer the run ends with.")},
        {QStringLiteral("switchAt"),
         tr("switch.at: the first iteration of the optimizer above; iterations 0 … K−1 take the start optimizer. "
            "It must be below Iterations reach (stop.max_iterations), or the run would never switch.")},
        {QStringLiteral("lossBelow"),
         tr("Stop once the training loss falls below this (1e-4 in Wu, Ma & E's experiments): the bounds are "
            "about global minima, where the loss is near zero.")},
        {QStringLiteral("maxIterations"),
         tr("Stop after this many steps at most (20,000 in the Fashion-MNIST experiments).")},
        {QStringLiteral("maxSeconds"), tr("Stop after this many seconds of training; 0 = no time limit.")},
        {QStringLiteral("curvatureEvery"),
         tr("Measure a and s every k iterations while training (warm-started, on the core the training leaves "
            "idle): the path on the sharpness plot and the stability diagram. 0 = not during training.")},
        {QStringLiteral("curvatureSubset"),
         tr("Measure a and s on the first N training examples only, which is faster for a large n; 0 = all n, "
            "the examples the bounds are about.")},
        {QStringLiteral("nonUniformity"),
         tr("Measure s = √λmax(Σ) too, not only a = λmax(H): s is the y axis of the stability diagram and costs "
            "more than a (far more for a TorchScript model).")},
        {QStringLiteral("curvatureSpectrum"),
         tr("At each measurement also estimate the Hessian's spectral density (stochastic Lanczos quadrature, "
            "as Spectra through training does after the run), drawn as it arrives in the Spectra through "
            "training and Top eigenvalues tabs. Costs ~80 Hessian-vector products more per measurement: with a "
            "short cadence the second core keeps up with fewer measurements.")},
        {QStringLiteral("curvatureAtEnd"),
         tr("Measure a and s once more when the run stops: the run's point on the stability diagram, against "
            "a ≤ 2/η and s ≤ √(B(n−1)/(n−B))/η.")},
        {QStringLiteral("gradientNorm"),
         tr("At every evaluation also measure |∇L(θ)|, the norm of the gradient over the whole training set "
            "(schedule.gradient_norm): how close to a stationary point the run is, drawn on its own plot. "
            "Costs one backward pass over the training set per evaluation.")},
        {QStringLiteral("averageFrom"),
         tr("schedule.average_from: keep the running mean of the parameters of every iteration from this one on "
            "(SWA-style averaging of the iterates, He, Huang & Yuan 2019: it leans towards the flat side of an "
            "asymmetric valley; 0 = from the initial parameters). When the run finishes the log shows the "
            "average's training loss, accuracy and test accuracy; a saved run folder holds it as average/. "
            "Off = no averaging.")},
    };
    return help.value(fieldName);
}

}   // namespace minimascope::ui
