#!/usr/bin/env python3
"""Hostile input: each bad article, template or output path gets a specific
message and exit status, and where the input is one bad article among the
seeds, the report of the rest is still complete.

usage: tests/hostile.py [--bin build/locstat]
Closes with "N passed, N failed".
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time

import openpyxl

from checks import check, finish

SEED_FIGURES = None


def run(cmd, cwd, timeout=120):
    t0 = time.time()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stderr, time.time() - t0


def seeds_intact(work, out):
    """The five seed localities and all their figures are in the outputs."""
    names = [c.value for c in openpyxl.load_workbook(os.path.join(work, out))["对比"][2][2:]]
    rows = list(csv.DictReader(open(os.path.join(work, out + ".csv"), encoding="utf-8")))
    seed_rows = [r for r in rows if r["article"][:3] in ("000", "001", "002", "003", "004")]
    return len(set(names) & {"乾安县", "桦甸市", "景园社区", "龙江街道", "中阳楼街道"}) == 5 and \
        len(seed_rows) == SEED_FIGURES


def article_case(binary, work, name, data, want_rc, words, fname="bad.txt", extra=()):
    d = os.path.join(work, "case-" + name)
    shutil.copytree(os.path.join(work, "seeds"), d)
    path = os.path.join(d, fname)
    if callable(data):
        data(path)
    else:
        open(path, "wb").write(data)
    out = "out-%s.xlsx" % name
    rc, err, secs = run([binary, *extra, "-o", out, "--csv", out + ".csv", d], work)
    lines = [l for l in err.splitlines() if fname in l and ("error" in l or "warning" in l)]
    ok_msg = len(lines) == 1 and all(w in lines[0] for w in words)
    check("%s: exit %d, one message naming the file" % (name, want_rc), rc == want_rc and ok_msg,
          (rc, err))
    check("%s: the report of the rest is complete" % name, seeds_intact(work, out))
    return secs


def main():
    global SEED_FIGURES
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    binary = os.path.abspath(ap.parse_args().bin)
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        shutil.copytree("seeds", os.path.join(work, "seeds"))
        shutil.copytree("templates", os.path.join(work, "templates"))
        rc, err, _ = run([binary, "-q", "-o", "base.xlsx", "--csv", "base.xlsx.csv", "seeds"], work)
        SEED_FIGURES = sum(1 for _ in csv.DictReader(open(os.path.join(work, "base.xlsx.csv"), encoding="utf-8")))

        article_case(binary, work, "empty", b"", 2, ["empty file"])
        article_case(binary, work, "binary", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4, 2,
                     ["binary"])
        article_case(binary, work, "invalid-utf8", "标题\n有12个".encode() + b"\xff\xff\xfe\x80\x80", 2,
                     ["neither UTF-8", "nor GB18030"])
        article_case(binary, work, "truncated-utf8", "标题\n全镇建成食堂12个".encode()[:-2], 0,
                     ["truncated UTF-8"])
        article_case(binary, work, "nul-bytes", "标题\n正文".encode() + b"\0" * 3 + "有12个".encode(), 2,
                     ["binary", "NUL byte at offset"])
        article_case(binary, work, "utf16-no-bom", "标题\n全镇建成食堂12个，服务老人300人次。\n".encode("utf-16-le"), 0,
                     ["without a byte order mark"])
        big = lambda p: open(p, "wb").write(("标题\n" + "全县新建食堂12个。" * 2_000_000).encode())
        article_case(binary, work, "50MB", big, 2, ["over the limit", "--max-size"])
        line = lambda p: open(p, "w", encoding="utf-8").write("标题\n" + "7" * 5_000_000 + "人\n")
        # a huge single line is no failure: no message, exit 0, and quickly
        d = os.path.join(work, "case-huge-line")
        shutil.copytree(os.path.join(work, "seeds"), d)
        line(os.path.join(d, "line.txt"))
        rc, err, secs = run([binary, "-q", "-o", "out-line.xlsx", "--csv", "out-line.xlsx.csv", d], work)
        check("huge single line (5 MB): exit 0 within 30 s (%.1f s)" % secs, rc == 0 and secs < 30, (rc, err))
        check("huge single line: the report of the rest is complete", seeds_intact(work, "out-line.xlsx"))
        # an article with no figures and no place: processed, listed, exit 0
        d = os.path.join(work, "case-nothing")
        shutil.copytree(os.path.join(work, "seeds"), d)
        open(os.path.join(d, "nothing.txt"), "w", encoding="utf-8").write("标题\n社区开展了一次暖心活动，受到好评。\n")
        rc, err, _ = run([binary, "-q", "-o", "out-nothing.xlsx", "--csv", "out-nothing.xlsx.csv", d], work)
        wb = openpyxl.load_workbook(os.path.join(work, "out-nothing.xlsx"))
        src = {r[0]: r for r in wb["来源"].iter_rows(min_row=3, values_only=True) if r[0]}
        check("no figures, no place: exit 0, listed with 0 figures",
              rc == 0 and src.get("nothing.txt", [None] * 12)[11] == 0, (rc, err, src.get("nothing.txt")))
        review = [r for r in wb["待核"].iter_rows(min_row=3, values_only=True) if r[0]]
        check("no place: on the review sheet", ("地区未识别", "nothing.txt") in [(r[0], r[1]) for r in review])
        # the same article under another name
        d = os.path.join(work, "case-duplicate")
        shutil.copytree(os.path.join(work, "seeds"), d)
        shutil.copy(os.path.join(d, "000_ec0055d028407f80.txt"), os.path.join(d, "999_copy.txt"))
        rc, err, _ = run([binary, "-o", "out-dup.xlsx", "--csv", "out-dup.xlsx.csv", d], work)
        rows = list(csv.DictReader(open(os.path.join(work, "out-dup.xlsx.csv"), encoding="utf-8")))
        lines = [l for l in err.splitlines() if "999_copy.txt" in l]
        check("duplicate under another name: exit 0, one warning naming both",
              rc == 0 and len(lines) == 1 and "000_ec0055d028407f80.txt" in lines[0], err)
        check("duplicate: its figures are not counted twice",
              len(rows) == SEED_FIGURES and not any(r["article"] == "999_copy.txt" for r in rows), len(rows))
        ov = {r[0]: r[3] for r in openpyxl.load_workbook(os.path.join(work, "out-dup.xlsx"))["概览"]
              .iter_rows(min_row=3, values_only=True) if r[0]}
        check("duplicate: not counted as an article of its locality", ov.get("乾安县") == 1, ov)
        # a directory named x.txt, a symlink loop
        article_case(binary, work, "directory", lambda p: os.mkdir(p), 2, ["is a directory"], fname="x.txt")
        article_case(binary, work, "symlink-loop", lambda p: os.symlink(os.path.basename(p), p), 2,
                     ["symbolic links"], fname="loop.txt")
        # an unreadable file and a read-only output directory: root reads
        # everything, so these run as nobody
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []
        if as_nobody and not shutil.which("setpriv"):
            check("setpriv available to drop privileges", False)
        else:
            d = os.path.join(work, "case-unreadable")
            shutil.copytree(os.path.join(work, "seeds"), d)
            for root, dirs, files in os.walk(work):
                os.chmod(root, 0o777)
            open(os.path.join(d, "secret.txt"), "w").write("标题\n有12个。\n")
            os.chmod(os.path.join(d, "secret.txt"), 0)
            rc, err, _ = run(as_nobody + [binary, "-o", "out-unreadable.xlsx", "--csv", "out-unreadable.xlsx.csv", d], work)
            lines = [l for l in err.splitlines() if "secret.txt" in l]
            check("unreadable file: exit 2, 'Permission denied' naming it",
                  rc == 2 and len(lines) == 1 and "Permission denied" in lines[0], err)
            check("unreadable file: the report of the rest is complete", seeds_intact(work, "out-unreadable.xlsx"))
            ro = os.path.join(work, "readonly")
            os.mkdir(ro)
            os.chmod(ro, 0o555)
            rc, err, _ = run(as_nobody + [binary, "-o", os.path.join(ro, "r.xlsx"), "seeds"], work)
            check("read-only output directory: exit 3 naming the path",
                  rc == 3 and "readonly/r" in err and "Permission denied" in err, (rc, err))

        # templates
        def template_case(name, edit, words):
            t = os.path.join(work, "t-" + name)
            shutil.copytree(os.path.join(work, "templates"), t)
            edit(t)
            rc, err, _ = run([binary, "-t", t, "-o", "t.xlsx", "seeds"], work)
            check("template %s: exit 3 with %s" % (name, words), rc == 3 and all(w in err for w in words), err)

        template_case("bad regex", lambda t: open(os.path.join(t, "exclude.tsv"), "a").write("span\tab(c\n"),
                      ["exclude.tsv:", ": missing closing parenthesis"])
        template_case("duplicate key", lambda t: open(os.path.join(t, "units.tsv"), "a").write("名\t名\tpeople\n"),
                      ["units.tsv:", "listed twice"])
        template_case("bad UTF-8", lambda t: open(os.path.join(t, "words.tsv"), "ab").write(b"lead\t\xff\xfe\n"),
                      ["words.tsv:", "neither UTF-8"])
        # the cache's path taken by something that is not a file: the run
        # must not wait on a pipe, and loses only the cache
        for name, make in (("a FIFO", os.mkfifo), ("a directory", os.mkdir)):
            out = "out-cache-%s.xlsx" % name.split()[-1].lower()
            make(os.path.join(work, out[:-5] + ".cache"))
            try:
                rc, err, secs = run([binary, "-o", out, "--csv", out + ".csv", "seeds"], work, timeout=60)
            except subprocess.TimeoutExpired:
                rc, err, secs = None, "timed out", 60
            said = [l for l in err.splitlines() if out[:-5] + ".cache" in l]
            check("cache path is %s: exit 0, said naming it" % name,
                  rc == 0 and len(said) >= 1 and len(said) <= 2, (rc, err))
            check("cache path is %s: the report is complete" % name, rc == 0 and seeds_intact(work, out))
        rc, err, _ = run([binary, "-t", os.path.join(work, "no-such-templates"), "-o", "t.xlsx", "seeds"], work)
        check("missing templates directory: exit 3 naming it", rc == 3 and "no-such-templates" in err, err)
        rc, err, _ = run([binary, "-o", "/nonexistent/dir/r.xlsx", "seeds"], work)
        check("output in a missing directory: exit 3 naming it", rc == 3 and "/nonexistent/dir/r.xlsx" in err, err)
        rc, err, _ = run([binary, "-o", "x.xlsx", os.path.join(work, "no-such-dir")], work)
        check("missing input directory: exit 3 naming it", rc == 3 and "no-such-dir" in err, (rc, err))
    return finish("hostile")


if __name__ == "__main__":
    sys.exit(main())
