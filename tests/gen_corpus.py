#!/usr/bin/env python3
"""Generate N articles for the benchmark, deterministic for a given seed.

Articles are made from the seeds' sentences, in the mix the seeds have
(about a third hold a number): numbers varied and place names replaced by
localities drawn from the gazetteer. A fifth are converted to traditional script (OpenCC's s2t,
the opencc command) and a tenth are written in GB18030.

usage: tests/gen_corpus.py N OUTDIR [--seed 1] [--prefix ""] [--seeds seeds] [--templates templates]
"""
import argparse
import os
import random
import re
import subprocess
import sys

SIMPLIFIED_SEEDS = ("000_", "001_", "003_")  # the traditional ones repeat shapes
SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def load_gazetteer(path):
    by_level = {3: [], 4: [], 5: []}
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            code, name, level, _ = (line.rstrip("\n").split("\t") + [""])[:4]
            level = int(level)
            if level in by_level:
                by_level[level].append(name)
            if len(name) >= 3:
                names.add(name)
    return by_level, names


def shapes(seed_dir, names):
    """Sentences of the simplified seeds, their place names replaced by
    {LOC}. Those without a number stay: real reports are not made of
    figures alone, and a corpus of only figure sentences would time three
    times the figures per byte that reports have."""
    text = ""
    for f in sorted(os.listdir(seed_dir)):
        if f.startswith(SIMPLIFIED_SEEDS):
            body = open(os.path.join(seed_dir, f), encoding="utf-8").read()
            text += body.split("版权声明")[0] + "\n"
    present = sorted((n for n in names if n in text), key=len, reverse=True)
    out = []
    for s in SENTENCE.findall(text):
        s = s.strip()
        if len(s) < 12:
            continue
        for n in present:
            s = s.replace(n, "{LOC}")
        out.append(s)
    return out


def vary(sentence, rng, loc):
    def num(m):
        v = m.group(0)
        if "." in v:
            return "%.*f" % (len(v.split(".")[1]), float(v) * rng.uniform(0.5, 2))
        n = int(v)
        if 1900 <= n <= 2100 or n < 3:  # years and small counts stay
            return v
        return str(max(1, int(n * rng.uniform(0.3, 3))))
    return NUMBER.sub(num, sentence).replace("{LOC}", loc)


def article(rng, shp, by_level):
    level = rng.choice((3, 3, 4, 4, 5))
    loc = rng.choice(by_level[level])
    title = "%s：%s" % (loc, rng.choice(("聚焦一老一小 办好民生实事", "党建引领 服务暖心", "精准服务暖民心",
                                         "织密关爱网络", "打造幸福社区")))
    paras = []
    for _ in range(rng.randint(6, 12)):
        paras.append("".join(vary(rng.choice(shp), rng, loc) for _ in range(rng.randint(2, 5))))
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def to_traditional(texts):
    """s2t with the opencc command, many articles per call."""
    sep = "\n@@@@\n"
    p = subprocess.run(["opencc", "-c", "s2t"], input=sep.join(texts), capture_output=True,
                       text=True, check=True)
    out = p.stdout.split(sep)
    if len(out) != len(texts):
        raise SystemExit("opencc changed the separator")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="", help="before each file name (articles to add)")
    ap.add_argument("--seeds", default="seeds")
    ap.add_argument("--templates", default="templates")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    by_level, names = load_gazetteer(os.path.join(a.templates, "regions.tsv"))
    shp = shapes(a.seeds, names)
    os.makedirs(a.out, exist_ok=True)
    batch = []
    for i in range(a.n):
        text = article(rng, shp, by_level)
        kind = rng.random()
        batch.append((i, text, kind < 0.2, 0.2 <= kind < 0.3 or kind < 0.02))
        if len(batch) == 1000 or i == a.n - 1:
            trad = [t for _, t, is_trad, _ in batch if is_trad]
            conv = iter(to_traditional(trad)) if trad else iter(())
            for j, t, is_trad, gb in batch:
                if is_trad:
                    t = next(conv)
                data = t.encode("gb18030") if gb else t.encode("utf-8")
                with open(os.path.join(a.out, "%s%06d.txt" % (a.prefix, j)), "wb") as f:
                    f.write(data)
            batch = []
    print("%d articles in %s (%d sentence shapes)" % (a.n, a.out, len(shp)), file=sys.stderr)


if __name__ == "__main__":
    main()
