#!/usr/bin/env python3
"""Scheduled reruns: what a cron job does to the report over time.

Adds, edits and deletes articles between runs and checks the marks on the
更新 sheet, that an unchanged rerun writes the same bytes and leaves the
state alone, that staff corrections survive, that two runs started
together both finish with a valid report, and that kill -9 at random
moments during a run never leaves a broken report.

usage: tests/rerun.py [--bin build/locstat] [--trials 50]
Closes with "N passed, N failed".
"""
import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

import openpyxl

from checks import check, finish

NEW_ARTICLE = "新城县：社区食堂温暖老人心\n新城县新建社区食堂6个，日均服务老人300余人次。\n"




def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def run(binary, work, *extra):
    p = subprocess.run([binary, "-o", "r.xlsx", "--csv", "r.csv", *extra, "seeds"], cwd=work,
                       capture_output=True, text=True, env=dict(os.environ, LOCSTAT_TEMPLATES=""))
    return p.returncode, p.stderr


def sheet_rows(path, name):
    return [r for r in openpyxl.load_workbook(path)[name].iter_rows(min_row=3, values_only=True) if r[0]]


def test_changes(binary, work):
    rc, err = run(binary, work)
    check("first run: all articles new", rc == 0 and "5 new" in err, err[-200:])
    first = sha(os.path.join(work, "r.xlsx"))
    state = os.path.join(work, "r.state.tsv")
    st_before = open(state, "rb").read()
    st_mtime = os.stat(state).st_mtime_ns
    time.sleep(0.05)
    rc, err = run(binary, work)
    check("unchanged rerun: identical workbook", sha(os.path.join(work, "r.xlsx")) == first)
    check("unchanged rerun: state not rewritten",
          os.stat(state).st_mtime_ns == st_mtime and open(state, "rb").read() == st_before)
    check("unchanged rerun: the summary says so", "5 new" in err, err[-200:])

    # add an article
    open(os.path.join(work, "seeds", "005_new.txt"), "w", encoding="utf-8").write(NEW_ARTICLE)
    rc, err = run(binary, work)
    upd = sheet_rows(os.path.join(work, "r.xlsx"), "更新")
    check("add: summary counts one new", rc == 0 and "1 new, 0 changed" in err, err[-200:])
    check("add: the new article is listed on 更新", [r[1] for r in upd] == ["005_new.txt"] and upd[0][0] == "新增", upd)
    src = {r[0]: r for r in sheet_rows(os.path.join(work, "r.xlsx"), "来源")}
    check("add: marked new on the sources sheet", src["005_new.txt"][13] == "新增" and not src["000_ec0055d028407f80.txt"][13])
    cat = sheet_rows(os.path.join(work, "r.xlsx"), "养老服务")
    marks = {(r[11], r[9]): r[14] for r in cat}
    check("add: its figures are marked new", marks.get(("005_new.txt", "6个")) == "新增"
          and marks.get(("000_ec0055d028407f80.txt", "759名")) is None, list(marks.items())[:3])
    after_add = sha(os.path.join(work, "r.xlsx"))
    run(binary, work)
    check("add, then unchanged rerun: identical workbook", sha(os.path.join(work, "r.xlsx")) == after_add)

    # edit an article
    p = os.path.join(work, "seeds", "005_new.txt")
    open(p, "w", encoding="utf-8").write(NEW_ARTICLE.replace("6个", "8个"))
    rc, err = run(binary, work)
    upd = sheet_rows(os.path.join(work, "r.xlsx"), "更新")
    check("edit: marked changed", rc == 0 and "0 new, 1 changed" in err and upd[0][0] == "变更", (err[-200:], upd))
    cat = sheet_rows(os.path.join(work, "r.xlsx"), "养老服务")
    marks = {(r[11], r[9]): r[14] for r in cat}
    check("edit: the edited figure is new, the untouched one is not",
          marks.get(("005_new.txt", "8个")) == "新增" and marks.get(("005_new.txt", "300余人次")) is None, marks)

    # delete it
    os.remove(p)
    rc, err = run(binary, work)
    upd = sheet_rows(os.path.join(work, "r.xlsx"), "更新")
    names = [c.value for c in openpyxl.load_workbook(os.path.join(work, "r.xlsx"))["对比"][2][2:]]
    check("delete: listed as removed", rc == 0 and "1 removed" in err and ("删除", "005_new.txt") in [(r[0], r[1]) for r in upd], upd)
    check("delete: dropped from the comparison", "新城县" not in names, names)

    # the state lost after its backup was written: the backup restores it
    os.remove(os.path.join(work, "r.state.tsv"))
    rc, err = run(binary, work)
    check("state lost, backup kept: restored, and said so", rc == 0 and
          "'r.state.tsv' is missing; restored from 'r.state.tsv.bak'" in err and "(null)" not in err,
          err[-300:])


def test_corrections(binary, work):
    fixes = os.path.join(work, "seeds", "corrections.tsv")
    with open(fixes, "w", encoding="utf-8") as f:
        f.write("# action\tarticle\tsurface\toccurrence\tvalue\n"
                "exclude\t003_859534e24dff6cc3.txt\t36名\t2\n"
                "category\t000_ec0055d028407f80.txt\t139人\t1\tgovernance\n"
                "category\t000_ec0055d028407f80.txt\t999人\t1\tgovernance\n"
                "frobnicate\tx\ty\t1\n")
    rc, err = run(binary, work)
    import csv
    rows = list(csv.DictReader(open(os.path.join(work, "r.csv"), encoding="utf-8")))
    n36 = sum(1 for r in rows if r["article"].startswith("003_") and r["surface"] == "36名")
    c139 = [r["category"] for r in rows if r["surface"] == "139人"]
    check("corrections: exclude drops the second 36名", n36 == 1, n36)
    check("corrections: category moves 139人", c139 == ["governance"], c139)
    review = sheet_rows(os.path.join(work, "r.xlsx"), "待核")
    kinds = [r[0] for r in review]
    check("corrections: one that matches nothing goes to review", "更正未匹配" in kinds, kinds)
    check("corrections: a line not understood goes to review", "更正无法读取" in kinds, kinds)
    gov = sheet_rows(os.path.join(work, "r.xlsx"), "党建治理")
    check("corrections: the applied correction is shown",
          any(r[9] == "139人" and r[20] and "corrections.tsv:3" in r[20] for r in gov), [r[20] for r in gov if r[20]])
    # a new article arrives; the corrections still hold
    open(os.path.join(work, "seeds", "006_more.txt"), "w", encoding="utf-8").write(NEW_ARTICLE)
    rc, err = run(binary, work)
    rows = list(csv.DictReader(open(os.path.join(work, "r.csv"), encoding="utf-8")))
    n36 = sum(1 for r in rows if r["article"].startswith("003_") and r["surface"] == "36名")
    c139 = [r["category"] for r in rows if r["surface"] == "139人"]
    check("corrections survive a rerun with a new article", rc == 0 and n36 == 1 and c139 == ["governance"], (n36, c139))
    os.remove(fixes)
    os.remove(os.path.join(work, "seeds", "006_more.txt"))


def test_updates_capped(binary, work):
    """Corrections (or templates) can change most figures of unchanged
    articles: the updates sheet lists as many as --max-rows, and says that
    the category sheets mark every change."""
    d = os.path.join(work, "capped")
    shutil.copytree(os.path.join(work, "seeds"), os.path.join(d, "seeds"))
    shutil.copytree(os.path.join(work, "templates"), os.path.join(d, "templates"))
    for f in ("corrections.tsv", "005_new.txt", "006_more.txt"):
        if os.path.exists(os.path.join(d, "seeds", f)):
            os.remove(os.path.join(d, "seeds", f))
    run(binary, d)
    d2 = d + "-uncapped"
    shutil.copytree(d, d2)
    for w in (d, d2):
        with open(os.path.join(w, "seeds", "corrections.tsv"), "w", encoding="utf-8") as f:
            f.write("# action\tarticle\tsurface\toccurrence\tvalue\n"
                    "category\t000_ec0055d028407f80.txt\t139人\t1\tgovernance\n"
                    "category\t000_ec0055d028407f80.txt\t759名\t1\thealth\n")
    rc, err = run(binary, d, "--max-rows", "1")
    rc2, err2 = run(binary, d2)
    capped = sheet_rows(os.path.join(d, "r.xlsx"), "更新")
    full = sheet_rows(os.path.join(d2, "r.xlsx"), "更新")
    notes = [r[0] for r in capped if str(r[0]).startswith("注")]
    check("updates: capped at --max-rows figures, with a note naming where all are",
          rc == 0 and sum(1 for r in capped if r[0] == "变更") == 1 and len(notes) == 1 and
          "类别表" in notes[0], (rc, capped))
    check("updates: uncapped, both changed figures and no note",
          rc2 == 0 and sorted(r[2] for r in full if r[0] == "变更") == ["139人", "759名"] and
          not any(str(r[0]).startswith("注") for r in full), (rc2, full))


def valid(path):
    try:
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                return False
        openpyxl.load_workbook(path, read_only=True).close()
        return True
    except Exception:
        return False


def big_corpus(work, copies):
    d = os.path.join(work, "big")
    os.makedirs(os.path.join(d, "seeds"))
    for i in range(copies):
        for f in sorted(os.listdir(os.path.join(work, "seeds"))):
            if f.endswith(".txt"):
                shutil.copy(os.path.join(work, "seeds", f), os.path.join(d, "seeds", "%03d_%s" % (i, f)))
    return d


def test_concurrent(binary, d):
    procs = [subprocess.Popen([binary, "-q", "-o", "r.xlsx", "seeds"], cwd=d, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    codes = [p.wait(timeout=300) for p in procs]
    check("two runs together: both finish", codes == [0, 0], codes)
    check("two runs together: the report is valid", valid(os.path.join(d, "r.xlsx")))


def test_lock_timeout(binary, d):
    import fcntl
    with open(os.path.join(d, "r.lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        t0 = time.time()
        p = subprocess.run([binary, "--wait", "0.5", "-o", "r.xlsx", "seeds"], cwd=d, capture_output=True, text=True)
        waited = time.time() - t0
    check("lock held: exit 4 after --wait, naming the report",
          p.returncode == 4 and "r.xlsx" in p.stderr and 0.4 < waited < 5, (p.returncode, p.stderr, waited))


def test_kill(binary, d, trials):
    report = os.path.join(d, "r.xlsx")
    subprocess.run([binary, "-q", "-o", "r.xlsx", "seeds"], cwd=d, check=True)
    good = sha(report)
    # a run as the trials make them: its unchanged articles from the cache
    t0 = time.time()
    subprocess.run([binary, "-q", "-o", "r.xlsx", "seeds"], cwd=d, check=True)
    full = time.time() - t0
    rng = random.Random(1)
    broken = killed = 0
    for i in range(trials):
        # alternate between an unchanged corpus and one with a new article,
        # so that some kills land while a different report is being written
        extra = os.path.join(d, "seeds", "zzz_new.txt")
        if i % 2:
            open(extra, "w", encoding="utf-8").write(NEW_ARTICLE)
        elif os.path.exists(extra):
            os.remove(extra)
        p = subprocess.Popen([binary, "-q", "--wait", "30", "-o", "r.xlsx", "seeds"], cwd=d)
        time.sleep(rng.uniform(0, full * 1.1))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        p.wait()
        if not valid(report):
            broken += 1
        else:
            good = sha(report)
    leftovers = [f for f in os.listdir(d) if f.startswith(".r.")]
    print("     %d trials, %d killed mid-run, %.2f s per run" % (trials, killed, full))
    check("kill -9 during runs: the report is intact and opens every time", broken == 0, broken)
    check("kill -9 during runs: most trials really killed a run", killed >= trials // 2, killed)
    for f in leftovers:  # temporaries of killed runs; the next run's are its own
        os.remove(os.path.join(d, f))
    rc = subprocess.run([binary, "-q", "-o", "r.xlsx", "seeds"], cwd=d).returncode
    check("after the kills a run succeeds", rc in (0, 2) and valid(report))


def cache_run(binary, d, *extra, tdir=None):
    """A run over d/corpus writing every output; returns (rc, stderr,
    how many articles came from the cache, the outputs' bytes)."""
    for f in ("r.xlsx", "r.state.tsv"):  # the same first run each time
        if os.path.exists(os.path.join(d, f)):
            os.remove(os.path.join(d, f))
    args = [binary, "-v", "-o", "r.xlsx", "--csv", "r.csv", "--json", "r.json",
            "--compare-csv", "r.cmp.csv", *extra]
    args += ["-t", tdir or os.path.abspath("templates")]
    p = subprocess.run(args + ["corpus"], cwd=d, capture_output=True, text=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1790000000", LOCSTAT_TEMPLATES=""))
    out = {f: open(os.path.join(d, f), "rb").read() for f in ("r.xlsx", "r.csv", "r.json", "r.cmp.csv")}
    return p.returncode, p.stderr, p.stderr.count("figures, as before"), out


def warnings_of(err):
    return sorted(l for l in err.splitlines() if l.startswith("locstat: warning") and "r.cache" not in l)


def test_cache(binary, work, shared):
    """Unchanged articles come from report.cache; the outputs are byte for
    byte those of a full run, whatever happened to the cache."""
    d = os.path.join(work, "cache")
    corpus = os.path.join(d, "corpus")
    shutil.copytree(os.path.join(shared, "dev", "articles"), corpus)
    for f in os.listdir(os.path.join(work, "seeds")):
        if f.endswith(".txt"):
            shutil.copy(os.path.join(work, "seeds", f), corpus)
    n = len(os.listdir(corpus))
    cache = os.path.join(d, "r.cache")
    rc, err1, hits, full = cache_run(binary, d)
    check("cache: a first run reads every article and writes the cache",
          rc in (0, 2) and hits == 0 and os.path.getsize(cache) > 10000, (rc, hits))
    rc, err, hits, out = cache_run(binary, d)
    check("cache: a rerun takes every article from it", hits == n, (hits, n))
    for f in full:
        check("cache: the rerun's %s is byte-identical to the full run's" % f, out[f] == full[f])
    check("cache: the rerun says the same warnings", warnings_of(err) == warnings_of(err1))
    mtime = os.stat(cache).st_mtime_ns
    cache_run(binary, d)
    check("cache: an unchanged rerun leaves the cache alone", os.stat(cache).st_mtime_ns == mtime)

    # a new article: only it is read; the result is that of a full run
    open(os.path.join(corpus, "zzz_new.txt"), "w", encoding="utf-8").write(NEW_ARTICLE)
    rc, err, hits, out = cache_run(binary, d)
    check("cache: with an article added, only it is read", hits == n, (hits, n))
    os.rename(cache, cache + ".keep")
    rc, err, hits, full = cache_run(binary, d)
    check("cache: without the cache every article is read", hits == 0, hits)
    for f in full:
        check("cache: with an article added, %s is that of a full run" % f, out[f] == full[f])
    os.replace(cache + ".keep", cache)

    # other templates: nothing of the old results is used
    tdir = os.path.join(d, "templates")
    shutil.copytree("templates", tdir)
    with open(os.path.join(tdir, "units.tsv"), "a", encoding="utf-8") as f:
        f.write("# a line staff added\n")
    rc, err, hits, out = cache_run(binary, d, tdir=tdir)
    check("cache: after a template change every article is read again", hits == 0, hits)
    rc, err, hits, out = cache_run(binary, d, tdir=tdir)
    check("cache: ... and the next run takes them from the new cache", hits == n + 1, hits)

    # damaged: cut short, then a byte flipped inside a record. What is
    # sound is still used; the rest is read and appended, so the next run
    # takes every article from the cache again
    data = open(cache, "rb").read()
    for name, bad in (("cut short", data[:len(data) // 2]),
                      ("a byte changed", data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0x20]) +
                       data[len(data) // 2 + 1:])):
        open(cache, "wb").write(bad)
        rc, err, hits, out = cache_run(binary, d, tdir=tdir)
        check("cache %s: said, naming the file, and its article read again" % name,
              hits < n + 1 and "r.cache" in err and rc in (0, 2), (hits, err[-300:]))
        if name == "cut short":
            check("cache cut short: the records before the cut are used", hits > 0, hits)
        check("cache %s: the outputs are those of a full run" % name,
              out["r.csv"] == full["r.csv"] and out["r.cmp.csv"] == full["r.cmp.csv"])
        rc, err, hits, out = cache_run(binary, d, tdir=tdir)
        check("cache %s: the next run takes every article from it" % name,
              hits == n + 1 and "r.cache" not in err, (hits, err[-300:]))
        check("cache %s: ... with the same outputs" % name,
              out["r.csv"] == full["r.csv"] and out["r.cmp.csv"] == full["r.cmp.csv"])

    # another version's file, or not a cache at all: a full run, then used
    for name, bad, said in (("of another version", b"locstat-cache 1\n" + data[16:], False),
                            ("not a cache", b"PK\x03\x04 not a cache at all", True)):
        open(cache, "wb").write(bad)
        rc, err, hits, out = cache_run(binary, d, tdir=tdir)
        check("cache %s: every article read, %s" % (name, "said" if said else "quietly"),
              hits == 0 and ("r.cache" in err) == said and out["r.csv"] == full["r.csv"],
              (hits, err[-300:]))
        rc, err, hits, out = cache_run(binary, d, tdir=tdir)
        check("cache %s: the next run takes every article from it" % name, hits == n + 1, hits)

    # most articles gone: the dead records are dropped, the live ones kept
    size = os.path.getsize(cache)
    keep = sorted(os.listdir(corpus))[:3]
    for f in os.listdir(corpus):
        if f not in keep:
            os.remove(os.path.join(corpus, f))
    rc, err, hits, out = cache_run(binary, d, tdir=tdir)
    check("cache: with most articles removed, the rest come from it", hits == 3, hits)
    check("cache: ... and it is rewritten without the dead records",
          0 < os.path.getsize(cache) < size // 2, (os.path.getsize(cache), size))
    rc, err, hits, out2 = cache_run(binary, d, tdir=tdir)
    check("cache: ... which the next run uses", hits == 3 and out2 == out, hits)


def test_unchanged_files(binary, work):
    """A file that stat says is unchanged since a run read it is not read
    again; one whose bytes changed is, even with its size and mtime put
    back, and so is one too new to tell (its times in the future here)."""
    d = os.path.join(work, "files")
    corpus = os.path.join(d, "corpus")
    os.makedirs(corpus)
    for f in sorted(os.listdir(os.path.join(work, "seeds"))):
        if f.endswith(".txt"):
            shutil.copy(os.path.join(work, "seeds", f), corpus)
    n = len(os.listdir(corpus))
    time.sleep(3.2)  # older than the two seconds within which a change may not show
    unread = lambda err: err.count("as before, file unchanged")
    rc, err, hits, full = cache_run(binary, d)
    check("files: a first run reads every article", rc in (0, 2) and hits == 0, (rc, hits))
    rc, err, hits, out = cache_run(binary, d)
    check("files: a rerun opens none of the unchanged files", unread(err) == n, (unread(err), n))
    check("files: ... and its outputs are the full run's", out == full)

    # the same size and modification time, other bytes: read again
    name = sorted(os.listdir(corpus))[0]
    path = os.path.join(corpus, name)
    st = os.stat(path)
    data = open(path, "rb").read()
    at = re.search(rb"[1-8][0-9]*\xe5\x90\x8d", data)  # a count of people (名)
    check("files: the article has a count to change", at is not None)
    if at is None:
        return
    changed = data[:at.start()] + bytes([data[at.start()] + 1]) + data[at.start() + 1:]
    open(path, "wb").write(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    time.sleep(3.2)  # only its change time (ctime) tells it changed
    rc, err, hits, out = cache_run(binary, d)
    check("files: a file rewritten with its size and mtime kept is read again",
          unread(err) == n - 1 and ("%s: " % name) in err and
          not re.search(re.escape(name) + r": .*file unchanged", err), (unread(err), err[-400:]))
    os.rename(os.path.join(d, "r.cache"), os.path.join(d, "r.cache.keep"))
    rc, err, hits, again = cache_run(binary, d)
    check("files: ... and the outputs are those of a full run of the new bytes",
          out["r.csv"] == again["r.csv"] and out["r.csv"] != full["r.csv"] and
          out["r.cmp.csv"] == again["r.cmp.csv"])
    os.replace(os.path.join(d, "r.cache.keep"), os.path.join(d, "r.cache"))

    # times in the future: never taken as unchanged
    future = time.time() + 3600
    os.utime(path, (future, future))
    for k in range(2):
        rc, err, hits, out = cache_run(binary, d)
        check("files: a file with a recent or future time is opened every run (%d)" % (k + 1),
              unread(err) == n - 1 and hits == n and out["r.csv"] == again["r.csv"],
              (unread(err), hits))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--trials", type=int, default=50)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree("seeds", os.path.join(work, "seeds"))
        shutil.copytree("templates", os.path.join(work, "templates"))
        test_changes(binary, work)
        test_corrections(binary, work)
        test_updates_capped(binary, work)
        test_cache(binary, work, a.shared)
        test_unchanged_files(binary, work)
        d = big_corpus(work, 40)
        shutil.copytree("templates", os.path.join(d, "templates"))
        test_concurrent(binary, d)
        test_lock_timeout(binary, d)
        test_kill(binary, d, a.trials)
    return finish("rerun")


if __name__ == "__main__":
    sys.exit(main())
