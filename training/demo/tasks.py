"""Synthetic problems for the demo model, each answered in DeepSeek-R1's format.

Every problem is a dict with the user's prompt, the reasoning trace (text between the template's
"<think>\\n" and "</think>"), the answer text after it, and the expected answer for evaluation.
Traces are deliberately wordy: one partial result per line, comparisons written out before a
subtraction, multiply and carry as separate steps. Tiny models learn procedures they can see far
better than ones they must do "in their head".

All randomness comes from the random.Random passed in, so a seed reproduces a data set exactly.
"""

PLACES = ["Ones", "Tens", "Hundreds", "Thousands", "Ten thousands", "Hundred thousands",
          "Millions"]

ADD_PROMPTS = [
    "What is {a} + {b}?", "{a}+{b}=?", "{a} + {b} = ?", "{a} + {b}", "{a}+{b}",
    "Compute {a} + {b}", "Calculate {a} + {b}.", "What's {a} plus {b}?", "Add {a} and {b}.",
    "What is the sum of {a} and {b}?", "{a} plus {b}", "Please compute {a}+{b}.",
    "what is {a}+{b}", "How much is {a} + {b}?", "Find {a} + {b}.", "{a} + {b} =",
]
SUB_PROMPTS = [
    "What is {a} - {b}?", "{a}-{b}=?", "{a} - {b} = ?", "{a} - {b}", "{a}-{b}",
    "Compute {a} - {b}", "Calculate {a} - {b}.", "What's {a} minus {b}?",
    "Subtract {b} from {a}.", "What is {a} minus {b}?", "{a} minus {b}",
    "Please compute {a}-{b}.", "what is {a}-{b}", "How much is {a} - {b}?", "Find {a} - {b}.",
    "{a} - {b} =",
]
MUL_PROMPTS = [
    "What is {a} × {b}?", "What is {a} * {b}?", "{a}*{b}=?", "{a} x {b}", "{a} * {b}",
    "Compute {a} * {b}", "Calculate {a} × {b}.", "What's {a} times {b}?", "Multiply {a} by {b}.",
    "What is the product of {a} and {b}?", "{a} times {b}", "what is {a}x{b}", "{a}×{b}=?",
    "How much is {a} * {b}?", "{a} * {b} =",
]
COUNT_PROMPTS = [
    "How many {c}'s are in {w}?", "How many {c}s are in {w}?", "How many {c}'s are in \"{w}\"?",
    "How many times does the letter {c} appear in {w}?", "Count the {c}'s in {w}.",
    "How many letter {c} in {w}?", "how many {c} in {w}", "How many {c}'s does {w} have?",
    "Count the letter {c} in \"{w}\".", "In the word {w}, how many {c}'s are there?",
]

GREETINGS = [
    ("Hello", "Hello"), ("Hi", "Hi"), ("Hi!", "Hi"), ("Hey", "Hey"), ("Hey there!", "Hey"),
    ("hello", "Hello"), ("hi there", "Hi"), ("Good morning", "Good morning"),
    ("Good evening!", "Good evening"), ("Hello!", "Hello"), ("Howdy", "Howdy"),
    ("Who are you?", None), ("What can you do?", None), ("What are you?", None),
    ("Help", None), ("help me", None), ("What is this?", None), ("Introduce yourself.", None),
]
THANKS = ["Thanks!", "Thank you", "thanks", "Thank you!", "Great, thanks.", "Cool, thank you!",
          "Nice, thanks"]
OTHER = [
    "Tell me a joke.", "What is the capital of France?", "Write a poem about the sea.",
    "Who won the world cup in 2018?", "Translate hello into Spanish.", "What is love?",
    "Explain quantum physics.", "Write a Python function that sorts a list.",
    "What's the weather like today?", "Can you summarize this article?", "What time is it?",
    "Who is the president of the United States?", "What is the meaning of life?",
    "Recommend a good book.", "How do I bake bread?", "What is the square root of 2?",
    "Solve x^2 + 3x + 2 = 0.", "What is 2 to the power of 10?", "Divide 100 by 7.",
    "What is 12345 * 6789?", "Tell me about the Roman empire.", "How are you?",
    "Write an email to my boss.", "Is it going to rain?", "What is an integral?",
    "Give me a recipe for pancakes.", "Why is the sky blue?", "What is DeepSeek?",
    "Spell strawberry backwards.", "Which is bigger, 9.11 or 9.9?", "What day is it today?",
]
SYSTEM_PROMPTS = [
    "You are a helpful assistant.", "You are Ponder, a helpful assistant.",
    "Answer concisely.", "You are a careful math tutor.", "Think step by step.",
    "You are a helpful assistant. Please reason step by step, and put your final answer within "
    "\\boxed{}.", "Be brief.", "You are an AI assistant.",
]

CAPABILITIES = ("I can add and subtract whole numbers, multiply a two-digit number by a one-digit "
                "number, and count the letters in a word. Try \"What is 47 + 385?\" or "
                "\"How many r's are in strawberry?\"")

# Words for letter counting: real words people ask about plus generated pronounceable ones.
COMMON_WORDS = """strawberry banana mississippi apple orange raspberry blueberry cherry lemon
tomato potato coffee letter bookkeeper committee success balloon address assessment necessary
programming developer keyboard computer elephant giraffe hippopotamus alphabet pepper parallel
occurrence accommodate embarrass possession millennium tomorrow referee butterfly grasshopper
peppermint banana bubblegum cinnamon spaghetti broccoli avocado zucchini mammal rhythm queue
onomatopoeia abracadabra kangaroo bookkeeping coconut pineapple watermelon grapefruit sunflower
summer winter autumn spring january february umbrella yellow purple silver river mountain
ocean forest desert island village pizza paper pencil window kitten puppy rabbit turtle llama
reasoning thinking ponder deepseek model token vector matrix attention transformer sequence
engineer hello world goodbye library teacher student school hammer mirror cookie dinner""".split()
WORD_SPLIT = 3  # every third generated word is held out

CONSONANTS = "bcdfghjklmnprstvwz"
VOWELS = "aeiouy"


def number(rng, digits):
    if digits == 1:
        return rng.randint(0, 9)
    return rng.randint(10 ** (digits - 1), 10 ** digits - 1)


def digits_of(n):
    return [int(c) for c in reversed(str(n))]


def add_trace(a, b):
    da, db = digits_of(a), digits_of(b)
    lines, carry, out = [f"Compute {a} + {b}."], 0, []
    for i in range(max(len(da), len(db))):
        x = da[i] if i < len(da) else 0
        y = db[i] if i < len(db) else 0
        s = x + y + carry
        lines.append(f"{PLACES[i]}: {x} + {y} + {carry} = {s}, write {s % 10}, carry {s // 10}")
        out.append(s % 10)
        carry = s // 10
    if carry:
        i = max(len(da), len(db))
        lines.append(f"{PLACES[i]}: 0 + 0 + {carry} = {carry}, write {carry}, carry 0")
        out.append(carry)
    lines.append(f"Result: {a + b}")
    return lines


def compare_lines(a, b):
    """Writes out which of a, b is larger; returns (lines, sign) with sign = -1, 0 or 1."""
    sa, sb = str(a), str(b)
    if len(sa) != len(sb):
        rel = ">" if len(sa) > len(sb) else "<"
        return [f"Compare: {a} has {len(sa)} digits, {b} has {len(sb)} digits, so {a} {rel} {b}."], \
            (1 if rel == ">" else -1)
    steps = []
    for x, y in zip(sa, sb):
        rel = "=" if x == y else (">" if x > y else "<")
        steps.append(f"{x} {rel} {y}")
        if rel != "=":
            return [f"Compare: both have {len(sa)} digits; {', '.join(steps)}, so {a} {rel} {b}."], \
                (1 if rel == ">" else -1)
    return [f"Compare: both have {len(sa)} digits; {', '.join(steps)}, so {a} = {b}."], 0


def sub_trace(a, b):
    lines = [f"Compute {a} - {b}."]
    cmp_lines, sign = compare_lines(a, b)
    lines += cmp_lines
    top, bottom = (a, b) if sign >= 0 else (b, a)
    if sign < 0:
        lines.append(f"Since {a} < {b}, compute {b} - {a} and make it negative.")
    dt, db = digits_of(top), digits_of(bottom)
    borrow = 0
    for i in range(len(dt)):
        t = dt[i]
        y = db[i] if i < len(db) else 0
        need = y + borrow
        if t >= need:
            lines.append(f"{PLACES[i]}: {y} + {borrow} = {need}, {t} >= {need}, {t} - {need} = "
                         f"{t - need}, write {t - need}, borrow 0")
            borrow = 0
        else:
            lines.append(f"{PLACES[i]}: {y} + {borrow} = {need}, {t} < {need}, {t + 10} - {need} = "
                         f"{t + 10 - need}, write {t + 10 - need}, borrow 1")
            borrow = 1
    lines.append(f"Result: {a - b}")
    return lines


def mul_trace(a, b):
    big, small = (a, b) if a >= 10 else (b, a)
    lines = [f"Compute {a} × {b}.", f"Multiply {big} by {small}."]
    carry = 0
    for i, d in enumerate(digits_of(big)):
        p = d * small
        lines.append(f"{PLACES[i]}: {d} × {small} = {p}, {p} + {carry} = {p + carry}, "
                     f"write {(p + carry) % 10}, carry {(p + carry) // 10}")
        carry = (p + carry) // 10
    if carry:
        i = len(str(big))
        lines.append(f"{PLACES[i]}: carry {carry}, write {carry}")
    lines.append(f"Result: {a * b}")
    return lines


# Letter-count trace lines: "paired" writes the target beside every letter ("d d yes 1"), so the
# model compares neighbouring tokens instead of reaching back into the prompt for the target;
# "verdict" ("d yes 1") is the first format, which the model never learned to compare with (the
# committed model's first two training stages used it; train.py --count-trace).
COUNT_TRACE = "paired"


def count_trace(word, c):
    lines = [f"Count the letter {c} in {word}."]
    n = 0
    target = f" {c}" if COUNT_TRACE == "paired" else ""
    for ch in word:
        if ch == c:
            n += 1
            lines.append(f"{ch}{target} yes {n}")
        else:
            lines.append(f"{ch}{target} no {n}")
    lines.append(f"Total: {n}")
    return lines, n


def make_word(rng):
    if rng.random() < 0.25:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 12)))
    w = ""
    while len(w) < rng.randint(3, 12):
        w += rng.choice(CONSONANTS) + rng.choice(VOWELS)
        if rng.random() < 0.3:
            w += rng.choice(CONSONANTS)
        if rng.random() < 0.15:
            w += w[-1]  # double letters, as in "strawberry"
    return w[:12]


def word_is_heldout(word):
    # A stable split that does not depend on the rng: held-out words never appear in training.
    return sum(map(ord, word)) * 2654435761 % 2**32 % WORD_SPLIT == 0


def arithmetic(rng, kind, digits_a=None, digits_b=None):
    if kind == "mul":
        a, b = number(rng, 2), rng.randint(2, 9)
        if rng.random() < 0.3:
            a, b = b, a
        prompt = rng.choice(MUL_PROMPTS).format(a=a, b=b)
        lines, sym, value = mul_trace(a, b), "×", a * b
    else:
        da = digits_a or rng.randint(1, 5)
        db = digits_b or rng.randint(1, 5)
        a, b = number(rng, da), number(rng, db)
        if kind == "add":
            prompt = rng.choice(ADD_PROMPTS).format(a=a, b=b)
            lines, sym, value = add_trace(a, b), "+", a + b
        else:
            if rng.random() < 0.15:
                b = a  # equal operands exercise the "=" comparison
            prompt = rng.choice(SUB_PROMPTS).format(a=a, b=b)
            lines, sym, value = sub_trace(a, b), "-", a - b
    digits = max(len(str(a)), len(str(b)))
    return {
        "task": kind, "digits": digits, "prompt": prompt,
        "reasoning": "\n".join(lines) + "\n",
        "answer_text": f"{a} {sym} {b} = \\boxed{{{value}}}",
        "answer": str(value),
    }


def letter_count(rng, heldout=False):
    while True:
        word = rng.choice(COMMON_WORDS) if rng.random() < 0.3 else make_word(rng)
        if word_is_heldout(word) == heldout:
            break
    # Ask about a letter that occurs most of the time; sometimes one that does not.
    c = rng.choice(word) if rng.random() < 0.8 else rng.choice("abcdefghijklmnopqrstuvwxyz")
    lines, n = count_trace(word, c)
    plural = "time" if n == 1 else "times"
    return {
        "task": "count", "digits": len(word),
        "prompt": rng.choice(COUNT_PROMPTS).format(c=c, w=word),
        "reasoning": "\n".join(lines) + "\n",
        "answer_text": f"The letter {c} appears \\boxed{{{n}}} {plural} in {word}.",
        "answer": str(n),
    }


def chitchat(rng):
    r = rng.random()
    if r < 0.5:
        prompt, hello = rng.choice(GREETINGS)
        if hello:
            reasoning = "The user is greeting me. I should greet them back and say what I can do.\n"
            answer = f"{hello}! I'm the Ponder demo model, a tiny reasoning model running on your " \
                     f"computer. {CAPABILITIES}"
        else:
            reasoning = "The user asks who I am. I should explain what I can do.\n"
            answer = f"I'm the Ponder demo model, a tiny reasoning model running on your computer. " \
                     f"{CAPABILITIES}"
        task = "greeting"
    elif r < 0.65:
        prompt = rng.choice(THANKS)
        reasoning = "The user thanks me. I should reply politely.\n"
        answer = "You're welcome! Ask me another sum or a letter count any time."
        task = "thanks"
    else:
        prompt = rng.choice(OTHER)
        reasoning = "This is not arithmetic or letter counting, which is all I can do. " \
                    "I should say so.\n"
        answer = "I'm only a tiny demo model, so I can't help with that. " + CAPABILITIES + \
                 " For everything else, load a DeepSeek-R1 model in Ponder."
        task = "other"
    return {"task": task, "digits": 0, "prompt": prompt, "reasoning": reasoning,
            "answer_text": answer, "answer": answer}


# Share of each task in the training data; `train.py --mix` changes it for a later stage.
DEFAULT_MIX = {"add": 0.27, "sub": 0.29, "mul": 0.16, "count": 0.21, "chat": 0.07}


def problem(rng, heldout=False, mix=None):
    """One random problem from the training (or held-out) distribution."""
    mix = mix or DEFAULT_MIX
    r = rng.random() * sum(mix.values())
    for task, share in mix.items():
        if r < share:
            break
        r -= share
    if task in ("add", "sub", "mul"):
        return arithmetic(rng, task)
    if task == "count":
        return letter_count(rng, heldout)
    return chitchat(rng)


def conversation(rng, mix=None):
    """A training conversation: optional system prompt, 0-3 earlier turns, and a final turn.

    Earlier assistant turns carry only their answer (R1's template drops reasoning from history);
    the loss is taken on the final turn only.
    """
    system = rng.choice(SYSTEM_PROMPTS) if rng.random() < 0.3 else None
    history = []
    for _ in range(rng.choice([0, 0, 0, 0, 0, 1, 1, 2])):
        p = problem(rng, mix=mix)
        history.append(("user", p["prompt"]))
        # Apps send either the text after </think> verbatim or with its blank line trimmed.
        prefix = "\n\n" if rng.random() < 0.5 else ""
        history.append(("assistant", prefix + p["answer_text"]))
    return system, history, problem(rng, mix=mix)
