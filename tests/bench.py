#!/usr/bin/env python3
"""Benchmark: locstat on generated corpora of 1,000, 10,000 and 100,000
articles, against one pcre2grep pass over the same bytes.

For each size it prints wall time, MB/s, figures/s and peak RSS for the
pipeline without the workbook (--no-workbook --csv) and with it, the time
of `pcre2grep -c '[0-9]+'` over the corpus (the limit reference) and the
ratio. Corpora are generated once (tests/gen_corpus.py, seed 1) and kept
in build/bench/. With --libreoffice, the largest workbook is opened in
LibreOffice headless to show that it is valid.

usage: tests/bench.py [--bin build/locstat] [--sizes 1000,10000,100000] [--libreoffice]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def timed(cmd, **kw):
    """Wall seconds and peak RSS (KB) of cmd, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as t:
        t0 = time.time()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd, **kw)
        wall = time.time() - t0
        rss = int(t.read().strip().splitlines()[-1] or 0)
    return p.returncode, wall, rss


def corpus(n, base):
    d = os.path.join(base, "corpus-%d" % n)
    if not os.path.isdir(d) or len(os.listdir(d)) != n:
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.time()
        subprocess.run([sys.executable, "tests/gen_corpus.py", str(n), d, "--seed", "1"], check=True)
        print("  generated %d articles in %.0f s" % (n, time.time() - t0), file=sys.stderr)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    return d, size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--libreoffice", action="store_true")
    a = ap.parse_args()
    base = os.path.join("build", "bench")
    os.makedirs(base, exist_ok=True)
    rows = []
    for n in (int(x) for x in a.sizes.split(",")):
        d, size = corpus(n, base)
        mb = size / 1e6
        out = os.path.join(base, "out-%d" % n)
        # the best of three, so that it reads from a warm page cache, as
        # locstat does after it
        grep_s = min(timed(["pcre2grep", "-c", "-r", "[0-9]+", d], stdout=subprocess.DEVNULL)[1]
                     for _ in range(3))
        rc1, pipe_s, pipe_rss = timed([a.bin, "-q", "--no-workbook", "--csv", out + ".csv", d])
        figures = sum(1 for _ in open(out + ".csv", encoding="utf-8")) - 1
        for f in (out + ".xlsx", out + ".state.tsv"):  # a first run, not a rerun
            if os.path.exists(f):
                os.remove(f)
        rc2, full_s, full_rss = timed([a.bin, "-q", "-o", out + ".xlsx", "--csv", out + ".csv", d])
        xlsx_mb = os.path.getsize(out + ".xlsx") / 1e6 if os.path.exists(out + ".xlsx") else 0
        rows.append((n, mb, figures, pipe_s, pipe_rss, full_s, full_rss, grep_s, xlsx_mb, rc1, rc2))
        print("  %d articles done" % n, file=sys.stderr)

    print("%9s %8s %10s | %8s %7s %9s %8s | %8s %8s %8s | %8s %7s"
          % ("articles", "MB", "figures", "pipeline", "MB/s", "figures/s", "RSS MB",
             "+xlsx s", "RSS MB", "xlsx MB", "pcre2grep", "ratio"))
    for n, mb, figures, pipe_s, pipe_rss, full_s, full_rss, grep_s, xlsx_mb, rc1, rc2 in rows:
        print("%9d %8.1f %10d | %7.2fs %7.1f %9.0f %8.0f | %7.2fs %8.0f %8.1f | %7.2fs %6.1fx%s"
              % (n, mb, figures, pipe_s, mb / pipe_s, figures / pipe_s, pipe_rss / 1024, full_s,
                 full_rss / 1024, xlsx_mb, grep_s, pipe_s / grep_s,
                 "" if rc1 == 0 and rc2 == 0 else "  (exit %d/%d)" % (rc1, rc2)))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print("scaling %dx articles: pipeline %.1fx time, with workbook %.1fx time"
              % (last[0] // first[0], last[3] / first[3], last[5] / first[5]))

    if a.libreoffice and rows:
        n = rows[-1][0]
        soffice = shutil.which("soffice")
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.time()
            p = subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                                "--convert-to", "csv", "--outdir", tmp,
                                os.path.join(base, "out-%d.xlsx" % n)], capture_output=True, text=True)
            ok = p.returncode == 0 and any(f.endswith(".csv") for f in os.listdir(tmp))
            print("LibreOffice opens the %d-article workbook: %s (%.0f s)" % (n, "yes" if ok else "NO", time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
