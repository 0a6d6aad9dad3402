#!/usr/bin/env python3
"""Performance benchmark for mlcards: whole-process times, peak memory and .apkg sizes.

Not a test: it measures, prints a table, and compares the figures with the project's aims.

Run it from the repository root with the project's venv (after ``pip install -e .``)::

    .venv/bin/python scripts/bench.py                      # 62, 1,000 and 10,000 cards
    .venv/bin/python scripts/bench.py --sizes 62,1000      # quicker
    .venv/bin/python scripts/bench.py --repeat 5 --json    # more repetitions, JSON output

With the defaults it takes about two minutes on a 2-core machine (2026-11-30; at 10,000
cards: two cold builds, two rebuilds, two checks and the floor twice); the run time is at
most about six times a cold 10,000-card build, so it stays under 10 minutes while that build
takes under about 90 s (``--repeat 1`` halves it). It uses about 250 MB of disk in a
temporary folder and writes nothing else (``--keep`` keeps the folder, ``--tmp DIR`` chooses
where it goes).
The real catalogue is measured on a copy of ``cards/`` and ``media/``: the repository itself is
never built (a build rewrites ``build-state.tsv``).

What it measures, for each size (synthetic catalogues of realistic cards: answers of 300 to 700
words with inline and display math, a Python/SQL/Bash/YAML code block, a table and an SVG, about
20 cards per section; generated deterministically from ``--seed``):

- ``build cold``: ``mlcards build --root TMP`` in a fresh process with no ``build-state.tsv``,
  no ``dist/`` and no render cache (``.cache/``); Python's bytecode and the OS file cache are
  warm, as on a developer's machine after the first run;
- ``rebuild 1 edit``: ``mlcards build`` again after appending a sentence to one card;
- ``check``: ``mlcards check`` after those builds (build state and render cache present);
- ``peak MB``: the peak memory of the cold build: its whole process tree's (mlcards forks
  rendering workers), or its largest single process's if that is more;
- ``apkg``: the size of the ``.apkg`` mlcards wrote;
- the floor: a fresh process that loads the same rendered notes and writes them with
  genanki's defaults (``genanki.Package(deck, media_files).write_to_file(path)``, which stores
  the zip uncompressed): its whole-process time, the time of the genanki part alone, its peak
  memory and its size; and the ratios mlcards / floor (time: cold build over the floor's whole
  process). The notes are taken, untimed, out of the deck the cold build wrote: the same
  fields, tags, guids and order, the same note type (CSS and templates), deck and media as
  ``mlcards.build.check`` renders, without depending on mlcards' internal API or paying for a
  second rendering.

Every time is whole-process wall time (``time.perf_counter`` around the child, from spawn to
exit, Python start-up and imports included), and ``cpu`` its user + system time, workers
included. Peak memory is the larger of the child's own ``ru_maxrss`` (its largest single
process) and the peak, sampled every 0.1 s from /proc, of the summed PSS of its whole process
tree (mlcards renders in forked worker processes; PSS counts pages they share once). A small
launcher process starts each child and takes these figures, so that neither the launcher's
start-up nor the benchmark's own memory (which a forked child's ru_maxrss would inherit on
Linux) is counted. Each figure is the median of ``--repeat`` runs (default: 3 up to 1,000
cards, 2 above), peak memory the largest of them; ``mlcards --help`` is timed ``--help-runs``
times (default 10). Timings are only meaningful on an otherwise idle machine: the load average
at the start and end is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = "synthetic"
CARDS_PER_SECTION = 20
MB = 1_000_000

# The aims of the project (on a 2-core machine).
AIM_HELP_S = 0.150
AIM_REAL_BUILD_S = 0.5
AIM_10K_COLD_S = 30.0
AIM_10K_REBUILD_S = 3.0
AIM_10K_PEAK_MB = 500.0
AIM_SIZE_RATIO = 1 / 3
AIM_LINEAR_SLACK = 1.5  # marginal time per card at the largest size <= 1.5x that at the next


# --------------------------------------------------------------------------------------------
# Running a command: wall time and the child's own peak memory.
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    wall_s: float
    cpu_s: float  # user + system time of the child and its workers
    largest_mb: float  # ru_maxrss: peak of the largest single process
    tree_mb: float  # sampled peak of the whole process tree's PSS (0 without /proc)
    stdout: str
    stderr: str

    @property
    def peak_mb(self) -> float:
        """Peak memory: the whole tree's, or the largest process's if that is more."""
        return max(self.largest_mb, self.tree_mb)

    def memory(self) -> str:
        return f"peak {self.peak_mb:.0f} MB (tree {self.tree_mb:.0f}, largest process " \
            f"{self.largest_mb:.0f})"


# The child is started by this small, fresh launcher, not by the benchmark itself: on Linux a
# child's ru_maxrss is at least the resident size of the process it was forked (or vforked)
# from, and the benchmark grows large at 10,000 cards. The launcher also does the timing, so
# its own start-up is not counted. ru_maxrss is the peak of the largest single process (the
# child or one of its workers); a build that forks workers needs their memory added up, so the
# launcher also samples the proportional set size (PSS: shared pages counted once) of the
# child's whole process tree every 0.1 s from /proc, where there is one.
LAUNCHER = r"""
import json, os, subprocess, sys, threading, time
out, err, result, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

def tree(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

peak, done = [0], threading.Event()

def sample(pid):
    while not done.is_set():
        peak[0] = max(peak[0], sum(pss_kib(p) for p in tree(pid)))
        done.wait(0.1)

with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=o, stderr=e)
    sampler = threading.Thread(target=sample, args=(child.pid,), daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
child.returncode = os.waitstatus_to_exitcode(status)
with open(result, "w") as f:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kib": usage.ru_maxrss, "tree_pss_kib": peak[0],
               "rc": child.returncode}, f)
"""


def run(cmd: list[str], log_dir: Path) -> Run:
    """Run ``cmd`` in a fresh process; fail loudly if it fails."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out, err, result = log_dir / "stdout.txt", log_dir / "stderr.txt", log_dir / "result.json"
    subprocess.run([sys.executable, "-c", LAUNCHER, str(out), str(err), str(result), *cmd],
                   check=True)
    measured = json.loads(result.read_text(encoding="utf-8"))
    stdout = out.read_text(encoding="utf-8", errors="replace")
    stderr = err.read_text(encoding="utf-8", errors="replace")
    if measured["rc"] != 0:
        raise SystemExit(f"command failed ({measured['rc']}): {' '.join(cmd)}\n{stdout}{stderr}")
    return Run(measured["wall"], measured["cpu"], measured["maxrss_kib"] * 1024 / MB,
               measured["tree_pss_kib"] * 1024 / MB, stdout, stderr)


def mlcards_cmd() -> list[str]:
    """The console script next to this interpreter (what users run), else ``python -m``."""
    script = Path(sys.executable).parent / "mlcards"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mlcards"]


def median(values: list[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------------------------
# Synthetic catalogues.
# --------------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words("""model gradient loss optimizer batch layer embedding token attention head encoder
decoder feature label dataset sample estimator variance bias regularizer kernel tree forest
ensemble margin classifier regressor posterior prior likelihood distribution sequence window
cache checkpoint pipeline scheduler learning-rate momentum weight activation dropout residual
normalization convolution pooling transformer retriever index query key value logit softmax
threshold metric calibration drift shift outlier imputation encoding hash bucket split fold
baseline ablation benchmark latency throughput memory shard replica quantization distillation
pruning adapter prompt context vocabulary tokenizer sampler reward policy critic trajectory
horizon discount buffer epoch step warmup decay clipping schedule curriculum augmentation
""")
ADJECTIVES = _words("""
sparse dense stable noisy robust calibrated biased unbiased shallow deep wide narrow
linear nonlinear convex smooth stochastic deterministic online offline causal bidirectional
low-rank high-variance long-tailed imbalanced stale fresh cheap expensive exact approximate
greedy adaptive fixed learned shared frozen quantized distributed parallel sequential
hierarchical local global per-token per-feature streaming batched""")
VERBS = _words("""reduces increases stabilizes dominates controls limits bounds shifts amplifies
smooths regularizes normalizes caches shards compresses approximates estimates predicts ranks
filters weights samples clips scales tracks splits merges reuses recomputes""")
CONNECTIVES = ["because", "so", "while", "unless", "although", "whereas", "and in practice",
               "which means", "but only when", "since"]
AUTHORS = _words("""
Vaswani Kingma Ioffe Srivastava He Hinton Bengio Goodfellow Breiman Friedman Chen
Guestrin Hochreiter Schmidhuber Devlin Radford Brown Kaplan Hoffmann Dao Shazeer Lin Loshchilov
Hutter Smith Zhang Li Wang Guo Platt Niculescu-Mizil Caruana Sculley Rahimi Recht""")
VENUES = ["NeurIPS", "ICML", "ICLR", "KDD", "JMLR", "AISTATS", "EMNLP", "ACL", "CVPR", "arXiv"]
GREEK = [r"\alpha", r"\beta", r"\gamma", r"\lambda", r"\mu", r"\sigma", r"\theta", r"\eta",
         r"\epsilon", r"\tau"]
LETTERS = list("wxyzhqkvbn")
TOPICS = """Sequence Modeling|Architectures|Classical ML|Optimization|Loss Functions|Feature
Engineering|Data Integrity|Generalization|Evaluation|Production ML|Retrieval|Recommendation|
Reinforcement Learning|Probabilistic Models|Vision|Speech|Time Series|Causal Inference|
Fairness|Privacy""".replace("\n", " ").split("|")

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160" width="320" height="160">
  <title>{title}</title>
  <rect x="1" y="1" width="318" height="158" fill="none" stroke="#888" stroke-width="2"/>
  <polyline fill="none" stroke="#2a6fdb" stroke-width="3" points="{points}"/>
  <circle cx="{cx}" cy="{cy}" r="6" fill="#d9534f"/>
  <text x="12" y="24" font-family="sans-serif" font-size="14" fill="#333">{title}</text>
  <text x="12" y="150" font-family="sans-serif" font-size="11" fill="#666">{caption}</text>
</svg>
"""
MEDIA = ["loss-curve", "attention-map", "bias-variance", "roc-curve", "pipeline"]


def write_media(media_dir: Path, rng: random.Random) -> None:
    media_dir.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(MEDIA):
        points = " ".join(f"{x},{int(140 - 110 * (1 - 1 / (1 + x / (20 + 15 * i))))}"
                          for x in range(10, 320, 20))
        (media_dir / f"{name}.svg").write_text(SVG.format(
            title=name.replace("-", " "), points=points, cx=rng.randint(40, 280),
            cy=rng.randint(40, 120), caption=f"figure {i + 1}: synthetic diagram for the "
            "benchmark"), encoding="utf-8")


class CardWriter:
    """Deterministic, varied, valid cards: every card differs in words, numbers and code."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def words(self, n: int) -> str:
        r = self.r
        return " ".join(r.choice(NOUNS) if r.random() < 0.6 else r.choice(ADJECTIVES)
                        for _ in range(n))

    def inline_math(self) -> str:
        r = self.r
        a, b = r.choice(GREEK), r.choice(LETTERS)
        return r.choice([
            f"${a} = {r.randint(1, 999) / 1000:g}$",
            f"$O(n^{r.randint(2, 3)} d)$",
            f"${b}_{{t+1}} = {b}_t - {a} \\nabla L({b}_t)$",
            f"$\\sqrt{{d_k}} \\approx {r.randint(4, 64)}$",
            f"$p({b} \\mid {r.choice(LETTERS)}) \\propto {a}$",
            f"$\\mathbb{{E}}[{b}^2] = {r.randint(1, 50)}$",
        ])

    def sentence(self) -> str:
        r = self.r
        parts = [f"The {r.choice(ADJECTIVES)} {r.choice(NOUNS)} {r.choice(VERBS)} the "
                 f"{r.choice(NOUNS)} {r.choice(CONNECTIVES)} the {self.words(r.randint(2, 5))}"]
        if r.random() < 0.35:
            parts.append(f"with {self.inline_math()}")
        if r.random() < 0.4:
            parts.append(f"by about {r.randint(2, 95)}% at {r.choice([8, 16, 32, 64, 128, 512])} "
                         f"{r.choice(['GPUs', 'shards', 'workers', 'tokens', 'features'])}")
        if r.random() < 0.3:
            parts.append(f"for the {self.words(r.randint(2, 4))}")
        return " ".join(parts) + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def display_math(self) -> str:
        r = self.r
        a, b, c = r.choice(GREEK), r.choice(LETTERS), r.choice(LETTERS)
        return r.choice([
            f"$$\nL({b}) = -\\frac{{1}}{{N}} \\sum_{{i=1}}^{{N}} {c}_i \\log \\hat{{{c}}}_i "
            f"+ {a} \\lVert {b} \\rVert_2^{r.randint(1, 2)}\n$$",
            f"$$\n{b}_{{t+1}} = {b}_t - \\frac{{{a}}}{{\\sqrt{{\\hat v_t}} + \\epsilon}} "
            f"\\hat m_t, \\qquad {a} = {r.randint(1, 9)} \\times 10^{{-{r.randint(2, 5)}}}\n$$",
            f"$$\n\\mathrm{{Attention}}(Q, K, V) = \\mathrm{{softmax}}\\left("
            f"\\frac{{QK^\\top}}{{\\sqrt{{{r.randint(16, 256)}}}}}\\right) V\n$$",
            f"$$\n\\mathrm{{Var}}[\\hat {b}] = \\frac{{{a}^2}}{{{r.randint(2, 200)}}} + "
            f"\\sum_{{k=1}}^{{{r.randint(3, 12)}}} {c}_k^2\n$$",
        ])

    def code(self) -> str:
        r = self.r
        lang = r.choices(["python", "sql", "bash", "yaml"], weights=[6, 2, 1, 1])[0]
        name = f"{r.choice(NOUNS).replace('-', '_')}_{r.choice(VERBS)}_{r.randint(1, 999)}"
        if lang == "python":
            n = r.randint(2, 6)
            body = "\n".join(
                f"    {r.choice(LETTERS)}{k} = {r.choice(['np.mean', 'np.log1p', 'np.clip'])}"
                f"(x[:, {k}]) * {r.randint(1, 100) / 10:g}" for k in range(n))
            code = (f"import numpy as np\n\n\ndef {name}(x, lr={r.randint(1, 9)}e-{r.randint(2, 5)}"
                    f", steps={r.randint(10, 5000)}):\n"
                    f"    \"\"\"{self.words(r.randint(4, 8)).capitalize()}.\"\"\"\n{body}\n"
                    f"    for step in range(steps):\n"
                    f"        x = x - lr * (x - {r.randint(1, 50)}) / (1 + step)\n"
                    f"    return x  # {self.words(r.randint(2, 5))}\n")
        elif lang == "sql":
            column = r.choice(NOUNS).replace("-", "_")
            code = (f"SELECT user_id, AVG({column}) AS score_{r.randint(1, 99)}\n"
                    f"FROM events_{r.randint(2019, 2025)}\n"
                    f"WHERE ts > NOW() - INTERVAL '{r.randint(1, 90)} days'\n"
                    f"GROUP BY user_id\nHAVING COUNT(*) > {r.randint(2, 500)};\n")
        elif lang == "bash":
            code = (f"python train.py --lr {r.randint(1, 9)}e-{r.randint(2, 5)} "
                    f"--batch-size {r.choice([32, 64, 128, 256])} \\\n"
                    f"  --epochs {r.randint(1, 90)} --seed {r.randint(0, 9999)} "
                    f"--run {name}\n")
        else:
            code = (f"model:\n  name: {name}\n  layers: {r.randint(2, 48)}\n"
                    f"  dropout: {r.randint(0, 50) / 100}\noptimizer:\n"
                    f"  lr: {r.randint(1, 9)}e-{r.randint(2, 5)}\n"
                    f"  warmup_steps: {r.randint(100, 10000)}\n")
        return f"```{lang}\n{code}```"

    def table(self) -> str:
        r = self.r
        cols = r.randint(3, 4)
        head = ["Option", "Cost", "When", "Notes"][:cols]
        rows = []
        for _ in range(r.randint(3, 6)):
            cells = [f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)}",
                     r.choice([self.inline_math(), f"{r.randint(1, 900)} ms",
                               f"{r.randint(1, 64)} GB"]),
                     self.words(r.randint(2, 5)), self.words(r.randint(2, 6))][:cols]
            rows.append(cells)
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * cols]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def bullets(self, n: int, bold: bool = False) -> str:
        r = self.r
        items = []
        for _ in range(n):
            lead = f"**{self.words(r.randint(1, 3)).capitalize()}:** " if bold else ""
            items.append(f"- {lead}{self.paragraph(r.randint(1, 2))}")
        return "\n".join(items)

    def card(self, index: int, topic: str) -> tuple[str, int]:
        """One card's file text and the number of words in its answer."""
        r = self.r
        target = r.randint(300, 675)
        noun, adj = r.choice(NOUNS), r.choice(ADJECTIVES)
        card_id = f"{adj}-{noun}-{index:05d}".lower()
        question = (f"How does a {adj} {noun} {r.choice(VERBS)} the {r.choice(NOUNS)} in "
                    f"{topic.lower()}, and what are its trade-offs? (question {index})")
        summary = self.paragraph(r.randint(1, 3))
        image = (f"![{self.words(3)}](../../../media/{r.choice(MEDIA)}.svg)")
        sections: dict[str, list[str]] = {
            "Core idea": [self.paragraph(r.randint(1, 2)), self.display_math(), image],
            "Mechanism": [self.bullets(2), self.code()],
            "Trade-offs": [self.table()],
            "Pitfalls": [self.bullets(r.randint(1, 2), bold=True)],
            "Follow-ups": [self.bullets(1, bold=True)],
        }
        refs = "\n".join(
            f"- {r.choice(AUTHORS)} et al., \"{self.words(r.randint(3, 7)).title()}\", "
            f"{r.choice(VENUES)} {r.randint(1995, 2025)}." for _ in range(r.randint(2, 4)))

        def body() -> str:
            parts = [f"### {name}\n\n" + "\n\n".join(blocks) for name, blocks in sections.items()]
            return "\n\n".join([*parts, f"### References\n\n{refs}"]) + "\n"

        # Grow the prose one sentence at a time until the answer reaches its target length.
        count, growing = len(body().split()), ""
        while count < target:
            sentence = self.sentence()
            count += len(sentence.split())
            if growing and r.random() < 0.75:
                blocks = sections[growing]
                blocks[-1] += " " + sentence
                continue
            growing = r.choice(["Core idea", "Mechanism", "Trade-offs", "Pitfalls"])
            bullet = r.random() < 0.3
            sections[growing].append(f"- {sentence}" if bullet else sentence)
            count += bullet
        text = body()
        tags = f"tags: [{noun}, {r.choice(['llm', 'tabular', 'vision', 'systems'])}]\n" \
            if r.random() < 0.5 else ""
        front = (f"---\nid: {card_id}\nquestion: {json.dumps(question)}\n"
                 f"difficulty: {r.choice(['easy', 'medium', 'hard'])}\nsummary: >-\n"
                 + textwrap.indent(textwrap.fill(summary, 88), "  ") + f"\n{tags}---\n")
        return front + text, len(text.split())


def generate(root: Path, n_cards: int, seed: int) -> dict[str, float]:
    """Write ``root/cards/synthetic/`` (about 20 cards per section) and ``root/media/``."""
    rng = random.Random(seed)
    write_media(root / "media", rng)
    folder = root / "cards" / CATALOGUE
    folder.mkdir(parents=True)
    n_sections = max(1, -(-n_cards // CARDS_PER_SECTION))
    sections, writer, words = [], CardWriter(rng), []
    for s in range(n_sections):
        topic = TOPICS[s % len(TOPICS)]
        name = f"{s + 1:03d}-{topic.lower().replace(' ', '-')}-{s // len(TOPICS) + 1}"
        title = f"{topic} {s // len(TOPICS) + 1}"
        sections.append(f"  - folder: {name}\n    title: {title}\n")
        (folder / name).mkdir()
        first, last = n_cards * s // n_sections, n_cards * (s + 1) // n_sections
        for i in range(first, last):
            text, count = writer.card(i, topic)
            (folder / name / f"{i - first + 1:02d}-card-{i:05d}.md").write_text(
                text, encoding="utf-8")
            words.append(count)
    (folder / "catalogue.yaml").write_text(
        "title: Synthetic Benchmark\ndescription: >-\n  Generated by scripts/bench.py.\n"
        "deck: Synthetic Benchmark\ndeck_id: 1863240999\nsections:\n" + "".join(sections),
        encoding="utf-8")
    return {"answer_words_mean": statistics.mean(words), "answer_words_min": min(words),
            "answer_words_max": max(words)}


# --------------------------------------------------------------------------------------------
# The floor: genanki writing the same rendered notes with its defaults.
# --------------------------------------------------------------------------------------------

def rendered_notes(apkg: Path, out_dir: Path) -> Path:
    """Take the rendered notes, note type, deck and media out of a deck mlcards wrote.

    The floor then writes exactly what mlcards shipped (fields, tags, guids, order, CSS and
    templates, media under the same names), without depending on mlcards' internal API.
    Returns the pickle for the floor process.
    """
    import sqlite3
    import zipfile

    media_dir = out_dir / "media"
    media_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "collection.anki2"
    with zipfile.ZipFile(apkg) as zf:
        db.write_bytes(zf.read("collection.anki2"))
        names = json.loads(zf.read("media"))
        for index, name in names.items():
            (media_dir / name).write_bytes(zf.read(index))
    conn = sqlite3.connect(db)
    try:
        models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
        rows = conn.execute("SELECT n.guid, n.flds, n.tags, n.mid, c.due, c.did FROM notes n "
                            "JOIN cards c ON c.nid = n.id ORDER BY n.id").fetchall()
    finally:
        conn.close()
    db.unlink()
    (mid,) = {row[3] for row in rows}
    (did,) = {row[5] for row in rows}
    model, deck = json.loads(models_json)[str(mid)], json.loads(decks_json)[str(did)]
    data = {
        "model": {"id": mid, "name": model["name"], "fields": model["flds"],
                  "templates": model["tmpls"], "css": model["css"],
                  "sort_field_index": model["sortf"]},
        "deck": {"id": did, "name": deck["name"], "description": deck.get("desc", "")},
        "notes": [(flds.split("\x1f"), tags.split(), guid, due)
                  for guid, flds, tags, _, due, _ in rows],
        "media": sorted(str(media_dir / name) for name in names.values()),
    }
    path = out_dir / "notes.pickle"
    with path.open("wb") as f:
        pickle.dump(data, f)
    return path


FLOOR = r"""
import json, pickle, sys, time
import genanki

elapsed = 0.0
for source, target in zip(sys.argv[1::2], sys.argv[2::2]):  # one deck per catalogue
    with open(source, "rb") as f:
        data = pickle.load(f)
    start = time.perf_counter()
    m, d = data["model"], data["deck"]
    model = genanki.Model(m["id"], m["name"], fields=m["fields"], templates=m["templates"],
                          css=m["css"], sort_field_index=m["sort_field_index"])
    deck = genanki.Deck(d["id"], d["name"], description=d["description"])
    for fields, tags, guid, due in data["notes"]:
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid, due=due))
    genanki.Package(deck, media_files=data["media"]).write_to_file(target)
    elapsed += time.perf_counter() - start
print(json.dumps({"genanki_s": elapsed}))
"""


# --------------------------------------------------------------------------------------------
# Measuring one catalogue.
# --------------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    cards: int
    repeat: int
    words: dict[str, float] = field(default_factory=dict)
    build_cold_s: float = 0.0
    build_cold_runs: list[float] = field(default_factory=list)
    build_cold_cpu_s: float = 0.0
    rebuild_s: float = 0.0
    rebuild_runs: list[float] = field(default_factory=list)
    rebuild_cpu_s: float = 0.0
    check_s: float = 0.0
    check_runs: list[float] = field(default_factory=list)
    build_peak_mb: float = 0.0
    build_tree_mb: float = 0.0  # of which: the process tree's sampled PSS
    build_largest_mb: float = 0.0  # and: the largest single process (ru_maxrss)
    rebuild_peak_mb: float = 0.0
    check_peak_mb: float = 0.0
    apkg_bytes: int = 0
    floor_s: float = 0.0
    floor_genanki_s: float = 0.0
    floor_peak_mb: float = 0.0
    floor_apkg_bytes: int = 0

    @property
    def time_ratio(self) -> float:
        return self.build_cold_s / self.floor_s

    @property
    def size_ratio(self) -> float:
        return self.apkg_bytes / self.floor_apkg_bytes

    @property
    def memory_ratio(self) -> float:
        return self.build_peak_mb / self.floor_peak_mb

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "time_ratio": self.time_ratio, "size_ratio": self.size_ratio,
                "memory_ratio": self.memory_ratio}


def measure(name: str, root: Path, repeat: int, logs: Path, say: Callable[[str], None]
            ) -> Result:
    cmd = mlcards_cmd()
    cards_dir = root / "cards"
    catalogues = sorted(p for p in cards_dir.iterdir() if (p / "catalogue.yaml").is_file())
    cards = sorted(p for c in catalogues for p in c.glob("*/*.md"))
    result = Result(name=name, cards=len(cards), repeat=repeat)
    dist = root / "dist"

    def cold() -> None:
        shutil.rmtree(dist, ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)  # mlcards' render cache
        for catalogue in catalogues:
            (catalogue / "build-state.tsv").unlink(missing_ok=True)

    builds = []
    for i in range(repeat):
        cold()
        r = run([*cmd, "build", "--root", str(root)], logs / f"{name}-build-{i}")
        builds.append(r)
        say(f"  build cold #{i + 1}: {r.wall_s:.2f} s (cpu {r.cpu_s:.2f} s), {r.memory()}")
    result.build_cold_runs = [r.wall_s for r in builds]
    result.build_cold_s = median(result.build_cold_runs)
    result.build_cold_cpu_s = median([r.cpu_s for r in builds])
    result.build_peak_mb = max(r.peak_mb for r in builds)
    result.build_tree_mb = max(r.tree_mb for r in builds)
    result.build_largest_mb = max(r.largest_mb for r in builds)
    decks = sorted(dist.glob("*.apkg"))
    if not decks:
        raise SystemExit(f"mlcards build wrote no .apkg in {dist}")
    result.apkg_bytes = sum(p.stat().st_size for p in decks)
    floor_dir = logs / f"{name}-floor"
    notes = [rendered_notes(apkg, floor_dir / apkg.stem) for apkg in decks]  # before any edit

    edited = cards[len(cards) // 2]
    rebuilds = []
    for i in range(repeat):
        with edited.open("a", encoding="utf-8") as f:
            f.write(f"\nEdited for the rebuild benchmark, pass {i + 1}: one more sentence.\n")
        r = run([*cmd, "build", "--root", str(root)], logs / f"{name}-rebuild-{i}")
        if "1 changed" not in r.stdout:
            say(f"  warning: the rebuild did not report one changed note:\n{r.stdout}")
        rebuilds.append(r)
        say(f"  rebuild after 1 edit #{i + 1}: {r.wall_s:.2f} s (cpu {r.cpu_s:.2f} s), "
            f"{r.memory()}")
    result.rebuild_runs = [r.wall_s for r in rebuilds]
    result.rebuild_s = median(result.rebuild_runs)
    result.rebuild_cpu_s = median([r.cpu_s for r in rebuilds])
    result.rebuild_peak_mb = max(r.peak_mb for r in rebuilds)

    checks = []
    for i in range(repeat):
        r = run([*cmd, "check", "--root", str(root)], logs / f"{name}-check-{i}")
        checks.append(r)
        say(f"  check #{i + 1}: {r.wall_s:.2f} s (cpu {r.cpu_s:.2f} s), {r.memory()}")
    result.check_runs = [r.wall_s for r in checks]
    result.check_s = median(result.check_runs)
    result.check_peak_mb = max(r.peak_mb for r in checks)

    floors = []
    for i in range(repeat):
        outs = [floor_dir / f"{p.parent.name}-{i}.apkg" for p in notes]
        pairs = [str(x) for pair in zip(notes, outs, strict=True) for x in pair]
        r = run([sys.executable, "-c", FLOOR, *pairs], logs / f"{name}-floorlog-{i}")
        size = sum(p.stat().st_size for p in outs)
        floors.append((r, json.loads(r.stdout.strip().splitlines()[-1])["genanki_s"], size))
        say(f"  floor #{i + 1}: {r.wall_s:.2f} s (genanki {floors[-1][1]:.2f} s), "
            f"{r.memory()}")
        for p in outs:
            p.unlink()
    result.floor_s = median([f[0].wall_s for f in floors])
    result.floor_genanki_s = median([f[1] for f in floors])
    result.floor_peak_mb = max(f[0].peak_mb for f in floors)
    result.floor_apkg_bytes = floors[-1][2]
    return result


# --------------------------------------------------------------------------------------------
# Report.
# --------------------------------------------------------------------------------------------

def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    versions = {}
    for package in ("mlcards", "genanki", "markdown", "pymdown-extensions", "pygments"):
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cores": cores,
            "mlcards_source_sha256": source_digest(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
            "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions}


def source_digest() -> str:
    """A short hash of the mlcards package measured (its .py files and templates)."""
    import hashlib

    import mlcards

    package = Path(mlcards.__file__).parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def size_text(n: float) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def table(results: list[Result]) -> str:
    head1 = (f"{'catalogue':<10}{'cards':>7}{'words':>6}{'build cold':>11}{'(cpu)':>7}"
             f"{'rebuild':>9}{'(cpu)':>7}{'check':>7}{'peak':>6}{'apkg':>10}{'ms/card':>8}")
    head2 = (f"{'':<10}{'':>7}{'/card':>6}{'s':>11}{'s':>7}{'1 edit s':>9}{'s':>7}{'s':>7}"
             f"{'MB':>6}{'':>10}{'cold':>8}")
    lines = ["mlcards (whole process, median)", head1, head2]
    for r in results:
        lines.append(f"{r.name:<10}{r.cards:>7,}{r.words.get('answer_words_mean', 0):>6.0f}"
                     f"{r.build_cold_s:>11.2f}{r.build_cold_cpu_s:>7.2f}{r.rebuild_s:>9.2f}"
                     f"{r.rebuild_cpu_s:>7.2f}{r.check_s:>7.2f}{r.build_peak_mb:>6.0f}"
                     f"{size_text(r.apkg_bytes):>10}{1000 * r.build_cold_s / r.cards:>8.2f}")
    lines += ["", "floor: genanki defaults writing the same rendered notes; ratios mlcards/floor",
              f"{'catalogue':<10}{'cards':>7}{'floor s':>9}{'genanki s':>10}{'peak MB':>9}"
              f"{'apkg':>10}{'time x':>8}{'size x':>8}{'mem x':>7}"]
    for r in results:
        lines.append(f"{r.name:<10}{r.cards:>7,}{r.floor_s:>9.2f}{r.floor_genanki_s:>10.2f}"
                     f"{r.floor_peak_mb:>9.0f}{size_text(r.floor_apkg_bytes):>10}"
                     f"{r.time_ratio:>8.2f}{r.size_ratio:>8.3f}{r.memory_ratio:>7.2f}")
    return "\n".join(lines)


def aims(help_s: float, results: list[Result]) -> list[dict[str, object]]:
    found: list[dict[str, object]] = [
        {"aim": "mlcards --help < 150 ms", "value": f"{help_s * 1000:.0f} ms",
         "met": help_s < AIM_HELP_S}]
    real = next((r for r in results if r.name == "real"), None)
    if real:
        found.append({"aim": f"real catalogue ({real.cards} cards) built cold < 0.5 s",
                      "value": f"{real.build_cold_s:.2f} s",
                      "met": real.build_cold_s < AIM_REAL_BUILD_S})
    synthetic = sorted((r for r in results if r.name != "real"), key=lambda r: r.cards)
    big = next((r for r in synthetic if r.cards == 10_000), None)
    if big:
        found += [
            {"aim": "10,000 cards built cold < 30 s", "value": f"{big.build_cold_s:.1f} s",
             "met": big.build_cold_s < AIM_10K_COLD_S},
            {"aim": "10,000 cards rebuilt after a one-card edit < 3 s",
             "value": f"{big.rebuild_s:.1f} s", "met": big.rebuild_s < AIM_10K_REBUILD_S},
            {"aim": "peak memory at 10,000 cards < 500 MB",
             "value": f"{max(big.build_peak_mb, big.rebuild_peak_mb):.0f} MB",
             "met": max(big.build_peak_mb, big.rebuild_peak_mb) < AIM_10K_PEAK_MB},
        ]
    if len(synthetic) >= 3:
        a, b, c = synthetic[-3:]
        before = (b.build_cold_s - a.build_cold_s) / (b.cards - a.cards)
        after = (c.build_cold_s - b.build_cold_s) / (c.cards - b.cards)
        found.append({"aim": "cold build time linear in cards (marginal ms/card at the largest "
                             f"size <= {AIM_LINEAR_SLACK}x the one below)",
                      "value": f"{1000 * before:.2f} -> {1000 * after:.2f} ms/card "
                               f"({after / before:.2f}x)",
                      "met": after <= AIM_LINEAR_SLACK * before})
    worst = max(results, key=lambda r: r.size_ratio)
    found.append({"aim": ".apkg <= 1/3 of genanki's default size",
                  "value": f"worst {worst.size_ratio:.3f} ({worst.name})",
                  "met": all(r.size_ratio <= AIM_SIZE_RATIO for r in results)})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring and docs/performance.md.")
    parser.add_argument("--sizes", default="62,1000,10000",
                        help="synthetic catalogue sizes, comma-separated (default 62,1000,10000)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per measurement (default: 3 up to 1,000 cards, 2 above)")
    parser.add_argument("--help-runs", type=int, default=10, help="runs of mlcards --help")
    parser.add_argument("--no-real", action="store_true",
                        help="skip the real catalogue (a copy of cards/ and media/)")
    parser.add_argument("--seed", type=int, default=20240601, help="seed of the generator")
    parser.add_argument("--tmp", type=Path, default=None, help="parent of the temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--json-out", type=Path, default=None,
                        help="also write the JSON to this file")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    source_before = source_digest()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        import mlcards  # noqa: F401
    except ImportError:
        raise SystemExit("mlcards is not installed for this Python: run "
                         ".venv/bin/python scripts/bench.py") from None
    work = Path(tempfile.mkdtemp(prefix="mlcards-bench-", dir=args.tmp))
    logs = work / "logs"
    results: list[Result] = []
    try:
        say(f"working in {work}")
        helps = [run([*mlcards_cmd(), "--help"], logs / f"help-{i}").wall_s
                 for i in range(args.help_runs)]
        help_s = median(helps)
        say(f"mlcards --help: median {help_s * 1000:.0f} ms, min {min(helps) * 1000:.0f} ms "
            f"over {len(helps)} runs")
        if not args.no_real:
            root = work / "real"
            shutil.copytree(REPO / "cards", root / "cards")
            shutil.copytree(REPO / "media", root / "media")
            say("real catalogue (a copy of cards/ and media/)")
            result = measure("real", root, args.repeat or 3, logs, say)
            result.words = {"answer_words_mean": statistics.mean(
                len(_body(p).split()) for p in (root / "cards").glob("*/*/*.md"))}
            results.append(result)
        for n in sizes:
            root = work / f"n{n}"
            t = time.perf_counter()
            words = generate(root, n, args.seed)
            say(f"{n:,} synthetic cards generated in {time.perf_counter() - t:.1f} s "
                f"(answers {words['answer_words_min']}-{words['answer_words_max']} words, "
                f"mean {words['answer_words_mean']:.0f})")
            result = measure(str(n), root, args.repeat or (3 if n <= 1000 else 2), logs, say)
            result.words = words
            results.append(result)
            shutil.rmtree(root / "cards", ignore_errors=True)  # keep the disk use down
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    info = machine()
    info["load_average_1m_at_start"] = round(load_before, 2)
    if info["mlcards_source_sha256"] != source_before:
        info["mlcards_source_sha256"] = f"{source_before}, then {info['mlcards_source_sha256']}"
        say("warning: mlcards' source changed during the run: the figures mix two versions")
    found = aims(help_s, results)
    total = time.perf_counter() - started
    report = json.dumps({"machine": info, "command": sys.argv, "help_s": help_s,
                         "help_runs": helps, "results": [r.as_json() for r in results],
                         "aims": found, "total_s": total}, indent=2)
    if args.json_out:
        args.json_out.write_text(report + "\n", encoding="utf-8")
    if args.json:
        print(report)
        return
    print(f"mlcards benchmark, {info['date']}: {info['cores']} cores, {info['cpu']}, "
          f"Python {info['python']}")
    print(f"mlcards source (sha256 of src/mlcards): {info['mlcards_source_sha256']}")
    print(f"load average (1 min) at start {load_before:.2f}, at end "
          f"{info['load_average_1m_at_end']}: figures are reliable only on an idle machine")
    versions = info["versions"]
    assert isinstance(versions, dict)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    print(f"mlcards --help: {help_s * 1000:.0f} ms (median of {len(helps)})")
    print()
    print(table(results))
    print()
    print("aims")
    for aim in found:
        print(f"  [{'met' if aim['met'] else 'NOT MET'}] {aim['aim']}: {aim['value']}")
    print()
    print(f"total benchmark time: {total:.0f} s")


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    parts = text.split("\n---\n", 1)
    return parts[1] if text.startswith("---") and len(parts) == 2 else text


if __name__ == "__main__":
    main()
