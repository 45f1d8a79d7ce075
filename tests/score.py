#!/usr/bin/env python3
"""Score the seeds and the development set of real articles with the shared
scorers; fail below the bars.

Seeds: strict precision and recall >= 0.97, category accuracy >= 0.90,
every division code right (issue 3), and the comparison (issue 14).
Dev (../shared/dev, read at test time, nothing of it copied here): each bar
a little below what the project reaches, so that a change that loses
ground on real pages fails here before it reaches users.

usage: tests/score.py [--bin build/locstat] [--shared ../shared]
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

from checks import check, finish

# name -> (articles, gold figures, localities, sources, bars)
SETS = {
    "seeds": ("seeds", "gold/seeds.tsv", "gold/localities.tsv", "gold/seeds-sources.tsv",
              {"precision": 0.97, "recall": 0.97, "category": 0.90, "place": 1.0,
               "title": 1.0, "date": 1.0, "cell F1": 0.95, "indicators": 0.96}),
    "dev": ("dev/articles", "dev/gold.tsv", "dev/localities.tsv", "dev/sources.tsv",
            {"precision": 0.97, "recall": 0.97, "category": 0.93, "place": 0.93,
             "title": 0.90, "date": 0.95, "cell F1": 0.85, "indicators": 0.86}),
}


def number(pattern, text):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else 0.0


def score_set(a, tmp, name):
    arts, gold, locs, sources, bars = SETS[name]
    arts = arts if name == "seeds" else os.path.join(a.shared, arts)
    gold, locs, sources = (os.path.join(a.shared, x) for x in (gold, locs, sources))
    tools = os.path.join(a.shared, "tools")
    out, js, cmp = (os.path.join(tmp, name + x) for x in (".csv", ".json", ".cmp.csv"))
    subprocess.run([a.bin, "-q", "-o", os.path.join(tmp, name + ".xlsx"), "--csv", out, "--json", js,
                    "--compare-csv", cmp, arts], check=False)

    def run(*args):
        return subprocess.run([sys.executable] + list(args), capture_output=True, text=True,
                              check=True).stdout

    figures = run(os.path.join(tools, "score"), gold, out, "-v")
    articles = run(os.path.join(tools, "score-articles"), locs, sources, js)
    compare = run(os.path.join(tools, "score-compare"), gold, locs, out, cmp, "--sources", sources)
    print(figures.splitlines()[-1])
    print(articles.splitlines()[-1])
    print("\n".join(compare.splitlines()[-2:]))
    got = {
        "precision": number(r"precision ([0-9.]+) recall", figures),
        "recall": number(r"recall ([0-9.]+) F1", figures),
        "category": number(r"category accuracy ([0-9.]+)", figures),
        "place": number(r"place \d+ \(([0-9.]+)\)", articles),
        "title": number(r"headlines \(([0-9.]+)\)", articles),
        "date": number(r"date \d+ \(([0-9.]+);", articles),
        "cell F1": number(r"right \d+; precision [0-9.]+ recall [0-9.]+ F1 ([0-9.]+)", compare),
        "indicators": number(r"matched figures right \(([0-9.]+)\)", compare),
    }
    for measure, bar in bars.items():
        check("%s: %s %.3f (bar %.2f)" % (name, measure, got[measure], bar), got[measure] >= bar)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--shared", default="../shared")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = score_set(a, tmp, "seeds")
        got = {}
        with open(out, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                got.setdefault(row["article"], (row["locality"], row["locality_code"]))
        with open(os.path.join(a.shared, "gold", "localities.tsv"), encoding="utf-8") as f:
            for g in csv.DictReader(f, delimiter="\t"):
                name, code = got.get(g["file"], ("", ""))
                check("locality %s: %s %s (gold %s)" % (g["file"], name, code, g["code"]),
                      code == g["code"])
        if os.path.isdir(os.path.join(a.shared, "dev", "articles")):
            score_set(a, tmp, "dev")
        else:
            print("score: no %s/dev: the development set is not scored" % a.shared)
    return finish("score")


if __name__ == "__main__":
    sys.exit(main())
