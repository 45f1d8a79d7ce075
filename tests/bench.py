#!/usr/bin/env python3
"""Benchmark: locstat on generated corpora of 1,000, 10,000 and 100,000
articles, against one pcre2grep pass over the same bytes.

For each size it prints wall time, MB/s, figures/s and peak RSS for the
pipeline without the workbook (--no-workbook --csv; the best of three
runs, as pcre2grep's) and with it, the time of `pcre2grep -c '[0-9]+'`
over the corpus (the limit reference) and the ratio, and where the full run's time went (its -v line); then a rerun
after adding 1% new articles, which takes the others
from report.cache, against a full run over the same articles, and whether
their CSV and workbook are byte-identical. Every timed full run starts
without a cache. Corpora are generated once (tests/gen_corpus.py, seed 1;
the added articles seed 2) and kept in build/bench/. With --libreoffice,
the largest workbook is opened in LibreOffice headless to show that it is
valid.

usage: tests/bench.py [--bin build/locstat] [--sizes 1000,10000,100000] [--libreoffice]
"""
import argparse
import hashlib
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


def corpus(n, base, seed=1, prefix="", name="corpus"):
    # named for the generator's version, so that a changed generator
    # makes new corpora rather than timing old ones
    gen = hashlib.sha256(open("tests/gen_corpus.py", "rb").read()).hexdigest()[:8]
    d = os.path.join(base, "%s-%d-%s" % (name, n, gen))
    if not os.path.isdir(d) or len(os.listdir(d)) != n:
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.time()
        subprocess.run([sys.executable, "tests/gen_corpus.py", str(n), d, "--seed", str(seed),
                        "--prefix", prefix], check=True)
        print("  generated %d articles in %.0f s" % (n, time.time() - t0), file=sys.stderr)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    return d, size


TRADITIONAL_ONLY = set("們區縣與為這個會發務電機關從對說時實現過還進動")


def traditional_share(d):
    """Share of articles in traditional script (the generator's s2t ones:
    simplified text has none of these characters)."""
    n = t = 0
    for f in os.listdir(d):
        b = open(os.path.join(d, f), "rb").read()
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError:
            text = b.decode("gb18030", "replace")
        n += 1
        t += any(ch in TRADITIONAL_ONLY for ch in text)
    return t / n if n else 0


def fresh(out):
    """No cache, state or workbook of an earlier run: a first, full run."""
    for ext in (".cache", ".state.tsv", ".state.tsv.bak", ".xlsx"):
        if os.path.exists(out + ext):
            os.remove(out + ext)


def rerun(a, n, base, d, out, env):
    """Add 1% new articles to a corpus whose full run left its cache and
    state: the rerun against a full run over the same articles."""
    extra, _ = corpus(max(1, n // 100), base, seed=2, prefix="new-", name="added")
    keep = {ext: open(out + ext, "rb").read() for ext in (".state.tsv", ".xlsx")}
    rc1, again_s, _ = timed([a.bin, "-q", "-o", out + ".xlsx", "--csv", out + ".rerun.csv", d, extra],
                            env=env)
    rerun_xlsx = open(out + ".xlsx", "rb").read()
    fresh(out)
    for ext, data in keep.items():  # the same previous run, without its cache
        open(out + ext, "wb").write(data)
    rc2, full_s, _ = timed([a.bin, "-q", "-o", out + ".xlsx", "--csv", out + ".full.csv", d, extra],
                           env=env)
    same = (open(out + ".rerun.csv", "rb").read() == open(out + ".full.csv", "rb").read()
            and rerun_xlsx == open(out + ".xlsx", "rb").read())
    return len(os.listdir(extra)), again_s, full_s, same and rc1 == rc2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--libreoffice", action="store_true")
    a = ap.parse_args()
    base = os.path.join("build", "bench")
    os.makedirs(base, exist_ok=True)
    rows, reruns, stages = [], [], []
    # the run's clock pinned, so that a rerun and a full run can be the same bytes
    env = dict(os.environ, SOURCE_DATE_EPOCH="1790000000")
    for n in (int(x) for x in a.sizes.split(",")):
        d, size = corpus(n, base)
        mb = size / 1e6
        out = os.path.join(base, "out-%d" % n)
        # the best of three, so that it reads from a warm page cache, as
        # locstat does after it
        grep_s = min(timed(["pcre2grep", "-c", "-r", "[0-9]+", d], stdout=subprocess.DEVNULL)[1]
                     for _ in range(3))
        # the pipeline as pcre2grep: the best of three (each a first run,
        # without a cache), so that one slow moment of a shared machine
        # does not set the ratio
        pipe = []
        for _ in range(3):
            fresh(out)
            pipe.append(timed([a.bin, "-q", "-o", out + ".xlsx", "--no-workbook", "--csv",
                               out + ".csv", d], env=env))
        rc1 = max(p[0] for p in pipe)
        pipe_s = min(p[1] for p in pipe)
        pipe_rss = max(p[2] for p in pipe)
        figures = sum(1 for _ in open(out + ".csv", encoding="utf-8")) - 1
        fresh(out)
        with tempfile.TemporaryFile("w+") as log:  # -v: where the time went
            rc2, full_s, full_rss = timed([a.bin, "-v", "-o", out + ".xlsx", "--csv", out + ".csv", d],
                                          env=env, stderr=log)
            log.seek(0)
            stages.append((n, [l.strip() for l in log if l.startswith("locstat: time:")]))
        xlsx_mb = os.path.getsize(out + ".xlsx") / 1e6 if os.path.exists(out + ".xlsx") else 0
        rows.append((n, mb, figures, pipe_s, pipe_rss, full_s, full_rss, grep_s, xlsx_mb, rc1, rc2,
                     traditional_share(d)))
        reruns.append((n,) + rerun(a, n, base, d, out, env))
        print("  %d articles done" % n, file=sys.stderr)

    print("%9s %8s %6s %10s | %8s %7s %9s %8s | %8s %8s %8s | %8s %7s"
          % ("articles", "MB", "trad", "figures", "pipeline", "MB/s", "figures/s", "RSS MB",
             "+xlsx s", "RSS MB", "xlsx MB", "pcre2grep", "ratio"))
    for n, mb, figures, pipe_s, pipe_rss, full_s, full_rss, grep_s, xlsx_mb, rc1, rc2, trad in rows:
        print("%9d %8.1f %5.0f%% %10d | %7.2fs %7.1f %9.0f %8.0f | %7.2fs %8.0f %8.1f | %7.2fs %6.1fx%s"
              % (n, mb, trad * 100, figures, pipe_s, mb / pipe_s, figures / pipe_s, pipe_rss / 1024,
                 full_s, full_rss / 1024, xlsx_mb, grep_s, pipe_s / grep_s,
                 "" if rc1 == 0 and rc2 == 0 else "  (exit %d/%d)" % (rc1, rc2)))
    print("%9s %8s | %9s %9s %7s | %s" % ("articles", "added", "rerun", "full run", "share",
                                          "CSV and workbook as a full run's"))
    for n, added, again_s, full_s, same in reruns:
        print("%9d %8d | %8.2fs %8.2fs %6.0f%% | %s"
              % (n, added, again_s, full_s, 100 * again_s / full_s, "yes" if same else "NO"))
    for n, lines in stages:
        print("%9d | %s" % (n, lines[0][len("locstat: time: "):] if lines else "(no time line)"))
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
