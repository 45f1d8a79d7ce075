#!/usr/bin/env python3
"""Score the seeds against the gold file with the shared scorer; fail below
the bar. The bar is issue 3's: strict precision and recall >= 0.97 and
category accuracy >= 0.90 (issue 2 asks F1 >= 0.90 and category >= 0.80).
Also checks every seed's division code against gold/localities.tsv.

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

MIN_PRECISION, MIN_RECALL, MIN_CATEGORY = 0.97, 0.97, 0.90


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--shared", default="../shared")
    a = ap.parse_args()
    gold = os.path.join(a.shared, "gold", "seeds.tsv")
    scorer = os.path.join(a.shared, "tools", "score")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "seeds.csv")
        subprocess.run([a.bin, "-q", "-o", os.path.join(tmp, "r.xlsx"), "--csv", out, "seeds"], check=True)
        report = subprocess.run([sys.executable, scorer, gold, out, "-v"], capture_output=True,
                                text=True, check=True).stdout
        print(report, end="")
        m = re.search(r"precision ([0-9.]+) recall ([0-9.]+) F1 ([0-9.]+); category accuracy ([0-9.]+)", report)
        p, r, f1, cat = (float(x) for x in m.groups())
        for name, value, bar in (("precision", p, MIN_PRECISION), ("recall", r, MIN_RECALL),
                                 ("category accuracy", cat, MIN_CATEGORY)):
            check("%s %.3f (bar %.2f)" % (name, value, bar), value >= bar)

        got = {}
        with open(out, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                got.setdefault(row["article"], (row["locality"], row["locality_code"]))
        with open(os.path.join(a.shared, "gold", "localities.tsv"), encoding="utf-8") as f:
            for g in csv.DictReader(f, delimiter="\t"):
                name, code = got.get(g["file"], ("", ""))
                check("locality %s: %s %s (gold %s)" % (g["file"], name, code, g["code"]),
                      code == g["code"])
    return finish("score")


if __name__ == "__main__":
    sys.exit(main())
