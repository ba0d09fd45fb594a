"""Multiple-choice questions on the review's qualitative points; each wrong choice is a common
misreading with its own named mistake (its message is in problem.yaml).

A question's choices are stored right answer first, then the wrong ones; `order` says which
stored choice each shown letter holds ("cab": (a) shows the stored c, (b) the stored a, …).
"""
import string

QUESTIONS = {
    "step-derivative": {
        "stem": "Why are networks trained by gradient descent built with sigmoid, tanh or ReLU "
                "activations rather than the unit step or the signum function?",
        "right": "The step's derivative is 0 everywhere except at 0, where it is a Dirac delta, so it "
                 "gives gradient descent no usable gradient.",
        "wrong": {"step-too-costly": "The step function takes too long to compute.",
                  "step-derivative-one": "The step's derivative is 1 everywhere, so the network would be linear.",
                  "step-unbounded": "The step's output is unbounded, so the loss would diverge."}},
    "mse-saturation": {
        "stem": "A sigmoid output unit trained with the MSE loss learns very slowly when its output "
                "is confidently wrong ($\\hat y$ near 0 while $y = 1$). Why?",
        "right": "The MSE gradient carries the factor $\\sigma'(\\xi) = \\hat y(1 - \\hat y)$, which is near 0 where the "
                 "sigmoid saturates; with BCE that factor cancels and $\\partial \\mathcal{L}/\\partial \\xi = \\hat y - y$.",
        "wrong": {"mse-loss-small": "The MSE loss itself is near 0 there, so there is little to learn.",
                  "bce-same-gradient": "BCE has the same gradient as MSE; the slowness comes from the data.",
                  "mse-learning-rate": "MSE automatically lowers the learning rate when the output saturates."}},
    "relu-hidden": {
        "stem": "Why is the ReLU a popular activation for the hidden layers of deep networks?",
        "right": "Its derivative is 1 for every positive excitation, so gradients do not shrink "
                 "(vanish) as they are propagated back through many layers.",
        "wrong": {"relu-smooth": "It is differentiable everywhere, including at $\\xi = 0$.",
                  "relu-probabilities": "Its outputs lie between 0 and 1, so they can be read as probabilities.",
                  "relu-saturates": "It saturates for large inputs, which keeps the weights small."}},
    "mmse-estimate": {
        "stem": "A network with a linear output is trained to minimise the mean squared error "
                "on a very large training set. What does its output $\\hat y(x)$ approximate?",
        "right": "The conditional expectation $E[y \\mid x]$.",
        "wrong": {"mmse-mode": "The most probable value of y given x.",
                  "mmse-likelihood": "The likelihood $p(x \\mid y)$.",
                  "mmse-prior": "The mean of y over the whole training set, whatever x is."}},
    "ce-posterior": {
        "stem": "A softmax output layer is trained with the cross-entropy loss on one-hot targets. "
                "What does its $k$-th output $\\hat y_k(x)$ approximate?",
        "right": "The posterior probability $\\Pr(y = k \\mid x)$.",
        "wrong": {"ce-likelihood": "The likelihood $p(x \\mid y = k)$.",
                  "ce-prior": "The prior probability $\\Pr(y = k)$, the share of class $k$ in the training set.",
                  "ce-expected-input": "The expected input $E[x \\mid y = k]$."}},
    "learning-rate": {
        "stem": "During gradient descent the training loss jumps up and down and grows from one epoch "
                "to the next. What is the most likely cause, and the cure?",
        "right": "The learning rate $\\eta$ is too large: every step overshoots the minimum. Make $\\eta$ smaller.",
        "wrong": {"eta-too-small": "The learning rate $\\eta$ is too small. Make $\\eta$ larger.",
                  "too-few-units": "The network has too few hidden units. Add hidden units.",
                  "flip-gradient-sign": "The update should add the gradient: "
                                        "use $W \\leftarrow W + \\eta \\nabla_W \\mathcal{L}$."}},
    "small-learning-rate": {
        "stem": "What happens when gradient descent uses a learning rate $\\eta$ that is much too small?",
        "right": "The loss decreases, but very slowly: training crawls and needs many more epochs.",
        "wrong": {"small-eta-diverges": "The loss oscillates and diverges.",
                  "small-eta-exact": "Training converges in fewer epochs, since each step is more exact.",
                  "small-eta-stuck": "The weights never change at all."}},
    "one-hot": {
        "stem": "For cross-entropy training of a $K$-class classifier, what is the target vector $y$ of "
                "a training example whose class is $k$?",
        "right": "One-hot: $y_k = 1$ and every other entry is 0.",
        "wrong": {"target-integer": "The single number $k$.",
                  "target-uniform": "$1/K$ in every entry.",
                  "target-plus-minus": "$y_k = 1$ and every other entry is $-1$."}},
    "maxpool-gradient": {
        "stem": "In back-propagation through a max-pooling layer (after a ReLU), where does "
                "$\\partial \\mathcal{L}/\\partial h$ of one pooling block go?",
        "right": "Only to the input that held the block's maximum, and only if that maximum is "
                 "positive; every other input of the block gets 0.",
        "wrong": {"pool-spread": "To every input of the block, unchanged.",
                  "pool-average": "To every input of the block, divided by the number of inputs in it.",
                  "pool-through-zero": "Only to the input that held the maximum, even when that maximum is negative."}},
    "anchor-label": {
        "stem": "An anchor box has IOU 0.8 with the reference box, and the labelling threshold is 0.7. "
                "What is its classifier target $y_c$?",
        "right": "$y_c = 1$: the anchor is labelled as holding the object (and its box-regression "
                 "target counts in $L_r$).",
        "wrong": {"label-is-iou": "$y_c = 0.8$, the IOU itself.",
                  "label-needs-full-overlap": "$y_c = 0$, since only an anchor with IOU $= 1$ holds the object.",
                  "label-no-regression": "$y_c = 1$, but its box-regression target is left out of $L_r$."}},
    "lstm-output": {
        "stem": "In the LSTM of the course (the lectures' variant), how is the output $h[t]$ computed "
                "from the output gate $o[t]$ and the cell state $c[t]$?",
        "right": "$h[t] = o[t]\\, c[t]$.",
        "wrong": {"lstm-standard-output": "$h[t] = o[t] \\tanh(c[t])$.",
                  "lstm-forget-output": "$h[t] = f[t]\\, c[t]$.",
                  "lstm-no-gate": "$h[t] = \\tanh(c[t])$, without a gate."}},
}


def draw(rng, options):
    question = options["question"]
    k = 1 + len(QUESTIONS[question]["wrong"])
    return {"question": question, "order": "".join(string.ascii_lowercase[i] for i in rng.permutation(k))}


def validate(p):
    k = 1 + len(QUESTIONS[p["question"]]["wrong"])
    if sorted(p["order"]) != list(string.ascii_lowercase[:k]):
        raise ValueError(f"order must list the letters a–{string.ascii_lowercase[k - 1]} once each "
                         f"(the stored choices, right answer first), not {p['order']!r}")


def _stored(question):
    """The question's choices as stored: (mistake name or None for the right one, text)."""
    q = QUESTIONS[question]
    return [(None, q["right"])] + list(q["wrong"].items())


def letter_of(p, name):
    """The shown letter of the stored choice named `name` (None: the right answer)."""
    stored = [n for n, _ in _stored(p["question"])]
    return string.ascii_lowercase[p["order"].index(string.ascii_lowercase[stored.index(name)])]


def solve(p):
    stored = _stored(p["question"])
    shown = [stored[string.ascii_lowercase.index(c)] for c in p["order"]]
    choices = [{"letter": string.ascii_lowercase[j], "text": text, "right": name is None, "mistake": name}
               for j, (name, text) in enumerate(shown)]
    return {"choice": letter_of(p, None), "stem": QUESTIONS[p["question"]]["stem"], "choices": choices,
            "right_text": QUESTIONS[p["question"]]["right"],
            "allowed": {"choice": {"choices": [c["letter"] for c in choices]}}}   # what may be answered


def _mistake(name):
    def wrong(p, s):
        if name not in QUESTIONS[p["question"]]["wrong"]:
            return None  # another question's misreading
        return {"choice": letter_of(p, name)}
    wrong.__name__ = "mistake_" + name.replace("-", "_")
    wrong.__doc__ = f"The misreading {name!r}: its shown letter, when its question is asked."
    return wrong


# One mistake per wrong choice, named as in problem.yaml.
for _q in QUESTIONS.values():
    for _name in _q["wrong"]:
        globals()["mistake_" + _name.replace("-", "_")] = _mistake(_name)
