#!/usr/bin/env python3
"""End-to-end tests: run build/locstat on the seeds and on variants of them,
read the workbook back with openpyxl and check what staff would check.

usage: tests/e2e.py [--bin build/locstat] [--shared ../shared]
Prints one line per check and closes with "N passed, N failed".
"""
import argparse
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

from checks import check, finish

SHEETS = ["概览", "对比", "养老服务", "儿童关爱", "就业服务", "医疗健康", "党建治理", "其他",
          "来源", "待核", "更新", "说明"]
CATEGORY_SHEETS = dict(zip(["elderly", "children", "employment", "health", "governance", "other"],
                           SHEETS[2:8]))
HEADER = ("article,locality,locality_code,category,indicator,value,value_max,unit,qualifier,"
          "period,status,surface,sentence,offset,indicator_id")
COMPARE_HEADER = ("locality,locality_code,level,indicator_id,indicator,kind,unit,value,value_max,"
                  "qualifier,figures,articles")
LEVELS = {"province": "省级", "city": "地级", "county": "县级", "street": "乡镇街道",
          "community": "村社区"}



def run(binary, args, cwd=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([binary] + args, cwd=cwd, env=e, capture_output=True, text=True)
    return p.returncode, p.stderr


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        head = f.readline().rstrip("\r\n")
        f.seek(0)
        return head, list(csv.DictReader(f))


def catalogue_ids():
    with open(os.path.join("templates", "indicators.tsv"), encoding="utf-8") as f:
        return {l.split("\t")[0] for l in f if l.strip() and not l.startswith("#")}


def gold_localities(shared):
    with open(os.path.join(shared, "gold", "localities.tsv"), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_seeds(binary, shared, tmp):
    out, csv_path, json_path, cmp_path = (os.path.join(tmp, n) for n in ("r.xlsx", "r.csv", "r.json", "c.csv"))
    rc, err = run(binary, ["-q", "-o", out, "--csv", csv_path, "--json", json_path,
                           "--compare-csv", cmp_path, "seeds"])
    check("seeds: exit status 0", rc == 0, err)
    head, rows = read_csv(csv_path)
    check("csv: header is the contract", head == HEADER, head)
    check("csv: figures found", len(rows) > 100, len(rows))
    check("csv: articles in name order", [r["article"] for r in rows] == sorted(r["article"] for r in rows))
    check("csv: indicator ids from the catalogue",
          {r["indicator_id"] for r in rows} <= catalogue_ids() | {""}
          and sum(1 for r in rows if r["indicator_id"]) > 50,
          {r["indicator_id"] for r in rows} - catalogue_ids())
    chead, cells = read_csv(cmp_path)
    check("compare csv: header is the spec's", chead == COMPARE_HEADER, chead)
    wb = openpyxl.load_workbook(out)
    check("workbook: sheet order", wb.sheetnames == SHEETS, wb.sheetnames)

    # the comparison: five localities as columns, named, coded and levelled
    # as in gold, ordered by level and then code
    ws = wb["对比"]
    names = [c.value for c in ws[2][3:]]
    codes = [c.value for c in ws[3][3:]]
    levels = [c.value for c in ws[4][3:]]
    gold = gold_localities(shared)
    want = {g["code"]: (g["community"] or g["street"] or g["county"]) for g in gold}
    check("compare: five locality columns", len(names) == 5, names)
    check("compare: localities named and coded as in gold",
          sorted(zip(codes, names)) == sorted(want.items()), list(zip(codes, names)))
    check("compare: columns by level, then code",
          codes == sorted(codes, key=lambda c: (len(c), c)), codes)
    level_of = {6: "county", 9: "street", 12: "community"}
    check("compare: each column shows its level",
          levels == [LEVELS[level_of[len(c)]] for c in codes], levels)
    check("compare: title row", "对比" in str(ws["A1"].value), ws["A1"].value)

    # every cell of --compare-csv is on the sheet with the same value, and
    # every filled cell of the sheet is in the CSV; each has a comment
    # whose used figures are figures of the CSV, and a link to its row
    col_of = {c: 4 + i for i, c in enumerate(codes)}
    row_of = {}
    groups = []
    for r in ws.iter_rows(min_row=5):
        if r[0].value and r[2].value:
            row_of[(r[2].value, r[1].value)] = r[0].row
        elif r[0].value and r[1].value is None and r[0].value in SHEETS + ["综合"]:
            groups.append(r[0].value)
    check("compare: rows grouped by category", len(groups) >= 4 and len(groups) == len(set(groups)), groups)
    by_key = {(r["article"], r["surface"], r["sentence"]) for r in rows}
    bad, seen = [], set()
    marked = multi = linked = 0
    for cell in cells:
        key = (cell["indicator_id"], cell["unit"])
        if key not in row_of or cell["locality_code"] not in col_of:
            bad.append(("no row or column", key, cell["locality_code"]))
            continue
        c = ws.cell(row_of[key], col_of[cell["locality_code"]])
        seen.add(c.coordinate)
        if cell["value_max"]:
            ok = c.value == "%s–%s" % (cell["value"], cell["value_max"])
        else:
            ok = isinstance(c.value, (int, float)) and abs(c.value - float(cell["value"])) < 1e-6
        if not ok:
            bad.append((c.coordinate, c.value, cell["value"], cell["value_max"]))
        if not c.comment:
            bad.append((c.coordinate, "no comment"))
            continue
        used = [l for l in c.comment.text.split("\n") if l.startswith("[计入] ")]
        if len(used) != int(cell["figures"]):
            bad.append((c.coordinate, "comment lists %d used, CSV says %s" % (len(used), cell["figures"])))
        for line in used:
            m = re.match(r"^\[计入\] (.*?): (.*) \((\S+\.txt)\)$", line)
            if not m or (m.group(3), m.group(1), m.group(2)) not in by_key:
                bad.append((c.coordinate, "comment line not in CSV: " + line))
        if int(cell["figures"]) > 1 or "合计" in c.comment.text or "取最新" in c.comment.text:
            multi += 1
            marked += any(w in (c.number_format or "") for w in ("合计", "取最新")) or \
                "–" in str(c.value)
        if c.hyperlink and c.hyperlink.location:
            m = re.match(r"^'(.+)'!A(\d+)$", c.hyperlink.location)
            if m and m.group(1) in wb.sheetnames and wb[m.group(1)].cell(int(m.group(2)), 4).value is not None:
                linked += 1
    extra = [c.coordinate for r in ws.iter_rows(min_row=5) for c in r[3:]
             if c.value not in (None, "—") and c.coordinate not in seen and r[2].value]
    check("compare: cells on the sheet equal the --compare-csv cells", not bad and not extra,
          (bad[:3], extra[:3]))
    check("compare: filled cells", len(cells) >= 10, len(cells))
    check("compare: '—' where a locality reports nothing",
          any(c.value == "—" for r in ws.iter_rows(min_row=5) for c in r[3:]))
    check("compare: every cell that added or chose among figures is marked",
          multi > 0 and marked == multi, (marked, multi))
    check("compare: every filled cell links to its row", linked == len(cells), (linked, len(cells)))

    # category sheets hold exactly the CSV's figures of that category
    for cat, sheet in CATEGORY_SHEETS.items():
        ws = wb[sheet]
        values = sorted(float(r[3].value) for r in ws.iter_rows(min_row=3) if isinstance(r[3].value, (int, float)))
        want_vals = sorted(float(r["value"]) for r in rows if r["category"] == cat)
        check("sheet %s: same figures as the CSV" % sheet, values == want_vals, (len(values), len(want_vals)))

    # overview totals per locality agree with the CSV
    ws = wb["概览"]
    ok = True
    for r in ws.iter_rows(min_row=3, values_only=True):
        if not r[0] or not isinstance(r[10], (int, float)):
            continue
        n = sum(1 for x in rows if x["locality"] == r[0])
        ok = ok and n == r[10]
    check("overview: totals agree with the CSV", ok)
    check("overview: full division paths", any("辽宁省 盘锦市 兴隆台区 渤海街道 景园社区" == r[2]
                                                 for r in ws.iter_rows(min_row=3, values_only=True)))

    # sources: title and encoding for every article
    ws = wb["来源"]
    src = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    check("sources: one row per article", len(src) == 5, len(src))
    check("sources: title and encoding for all", all(r[1] and r[8] for r in src), src)
    check("sources: traditional seeds marked", sum(1 for r in src if r[9]) == 2)
    # 002's page lost the character 報 itself (盤錦日?qǐng)?bào)): what is left is kept
    check("sources: source publication found",
          {"西部法制报", "吕梁晚报"} <= {r[2] for r in src} and any((r[2] or "").startswith("盘锦日") for r in src),
          [r[2] for r in src])
    check("sources: a lost character is flagged", "乱码" in (src[2][12] or ""), src[2][12])

    # charts exist in the package
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    check("workbook: charts", len(charts) >= 2, charts)
    # every part deflated at level 1 (report.c's WORKBOOK_DEFLATE_LEVEL),
    # which minizip records as general purpose bits 1 and 2 both set
    with zipfile.ZipFile(out) as z:
        slow = [(i.filename, i.compress_type, i.flag_bits) for i in z.infolist()
                if i.compress_type != zipfile.ZIP_DEFLATED or i.flag_bits & 6 != 6]
    check("workbook: every part deflated at the fast level", not slow, slow[:3])

    # seed 003 yields nothing from after its copyright notice
    raw = open("seeds/003_859534e24dff6cc3.txt", "rb").read()
    cut = raw.find("版权声明".encode())
    late = [r for r in rows if r["article"].startswith("003_") and int(r["offset"]) >= cut]
    check("seed 003: no figure after the copyright notice", cut > 0 and not late, late[:3])

    # offsets point at the surface in the file
    bad = []
    for r in rows:
        data = open(os.path.join("seeds", r["article"]), "rb").read()
        if not data[int(r["offset"]):].startswith(r["surface"].encode()):
            bad.append(r["surface"])
    check("csv: offsets point at the surface as written", not bad, bad[:5])
    return rows


def test_rerun_identical(binary, tmp):
    a, b = os.path.join(tmp, "a.xlsx"), os.path.join(tmp, "b.xlsx")
    # the first-seen times are the run's clock: pinned, so that two runs
    # a minute apart are the same
    run(binary, ["-q", "-o", a, "seeds"], env={"SOURCE_DATE_EPOCH": "1790000000"})
    run(binary, ["-q", "-o", b, "seeds"], env={"SOURCE_DATE_EPOCH": "1790000000"})
    ha = hashlib.sha256(open(a, "rb").read()).hexdigest()
    hb = hashlib.sha256(open(b, "rb").read()).hexdigest()
    check("rerun: byte-identical workbook", ha == hb)
    c = os.path.join(tmp, "c.xlsx")
    run(binary, ["-q", "-o", c, "seeds"], env={"SOURCE_DATE_EPOCH": "1700000000"})
    check("rerun: SOURCE_DATE_EPOCH pins the created time",
          b"2023-11-14T22:13:20Z" in zipfile.ZipFile(c).read("docProps/core.xml"))


def test_memoised_conversion(binary, shared, tmp):
    """The memoised converters (templates/t2s-phrases.tsv, which converts
    traditional articles, and s2t-phrases.tsv, which helps tell them) and
    OpenCC on whole texts give byte-identical CSVs: on the seeds, the dev
    set and a generated corpus whose traditional articles are OpenCC's s2t
    of simplified ones."""
    whole = os.path.join(tmp, "tpl-whole")
    stale = os.path.join(tmp, "tpl-stale")
    for d in (whole, stale):
        shutil.copytree("templates", d)
    for config in ("t2s", "s2t"):
        name = config + "-phrases.tsv"
        os.remove(os.path.join(whole, name))
        lines = open(os.path.join(stale, name), encoding="utf-8").read().split("\n")
        lines = [re.sub(r"^(file\t%s\.json\t[0-9]+\t).*" % config, r"\g<1>00000000", l)
                 for l in lines]
        open(os.path.join(stale, name), "w", encoding="utf-8").write("\n".join(lines))
    corpus = os.path.join(tmp, "gen-trad")
    subprocess.run([sys.executable, "tests/gen_corpus.py", "150", corpus, "--seed", "7"],
                   check=True, capture_output=True)
    for name, src in (("seeds", "seeds"), ("dev", os.path.join(shared, "dev", "articles")),
                      ("generated", corpus)):
        out = {}
        for tpl in ("templates", whole, stale):
            path = os.path.join(tmp, "t2s-%s-%s.csv" % (name, os.path.basename(tpl)))
            quiet = ["-q"] if tpl != stale else []  # the warning is not an error
            rc, err = run(binary, quiet + ["--no-workbook", "-t", tpl, "--csv", path, src])
            out[tpl] = (rc, err, open(path, "rb").read())
        check("conversion: memoised and whole-text give the same CSV on the " + name,
              out["templates"][2] == out[whole][2] and out["templates"][0] == out[whole][0])
        check("conversion: lists made from another OpenCC are set aside, same CSV (%s)" % name,
              out[stale][2] == out[whole][2] and
              all("%s-phrases.tsv was made from another OpenCC" % c in out[stale][1]
                  for c in ("t2s", "s2t")),
              out[stale][1][-300:])
    trad = sum(1 for f in os.listdir(corpus)
               if "區" in open(os.path.join(corpus, f), "rb").read().decode("utf-8", "replace"))
    check("conversion: the generated corpus has traditional articles", trad >= 10, trad)


def test_figure_store(binary, shared, tmp):
    """Figures kept in the store file (LOCSTAT_FIGURE_STORE=always, as runs
    of many articles do) or on the heap give the same CSV and workbook, read
    or restored from the cache, with corrections of every kind applied."""
    src = os.path.join(tmp, "store-in")
    os.makedirs(src)
    for d in ("seeds", os.path.join(shared, "dev", "articles")):
        for f in sorted(os.listdir(d)):
            if f.endswith(".txt"):
                shutil.copy(os.path.join(d, f), src)
    probe = os.path.join(tmp, "store-probe.csv")
    run(binary, ["-q", "--no-workbook", "--csv", probe, src])
    _, rows = read_csv(probe)
    arts = sorted({r["article"] for r in rows})
    def figs(art):
        return [r for r in rows if r["article"] == art]
    a, b = figs(arts[0]), figs(arts[1])
    with open(os.path.join(src, "corrections.tsv"), "w", encoding="utf-8") as f:
        f.write("exclude\t%s\t%s\t1\n" % (a[0]["article"], a[0]["surface"]))
        f.write("category\t%s\t%s\t1\tgovernance\n" % (a[1]["article"], a[1]["surface"]))
        f.write("value\t%s\t%s\t1\t12345\n" % (b[0]["article"], b[0]["surface"]))
        f.write("unit\t%s\t%s\t1\t户\n" % (b[1]["article"], b[1]["surface"]))
        f.write("indicator\t%s\t%s\t1\t改过的指标\n" % (b[2]["article"], b[2]["surface"]))
        f.write("add\t%s\t补录8户\t-\t8\t户\telderly\t补录户数\n" % a[0]["article"])
    out = {}
    for mode in ("never", "always"):
        xlsx = os.path.join(tmp, "store-%s.xlsx" % mode)
        env = {"SOURCE_DATE_EPOCH": "1700000000", "LOCSTAT_FIGURE_STORE": mode}
        got = []
        for _ in range(2):  # read, then restored from the cache
            rc, err = run(binary, ["-v", "-o", xlsx, "--csv", xlsx + ".csv", src], env=env)
            got.append((rc, "keeping the figures in a file" in err,
                        open(xlsx + ".csv", "rb").read(), open(xlsx, "rb").read()))
        out[mode] = got
    _, csv_rows = read_csv(os.path.join(tmp, "store-always.xlsx.csv"))
    added = [r for r in csv_rows if r["surface"] == "补录8户"]
    renamed = [r for r in csv_rows if r["indicator"] == "改过的指标"]
    check("store: the corrections applied to stored figures (add, indicator)",
          len(added) == 1 and added[0]["unit"] == "户" and len(renamed) == 1, (added, renamed))
    check("store: -v says the figures are kept in a file, and only when they are",
          [g[1] for g in out["always"]] == [True, True] and
          [g[1] for g in out["never"]] == [False, False])
    for k, what in ((0, "read"), (1, "restored from the cache")):
        n, s = out["never"][k], out["always"][k]
        check("store: same exit status, CSV and workbook as on the heap (%s)" % what,
              n[0] == s[0] == 0 and n[2] == s[2] and n[3] == s[3], (n[0], s[0]))


def test_own_place(binary, tmp):
    """What describes a place belongs to it: the communities of a town
    named in a city's story are the town's; a street's own count is its."""
    d = os.path.join(tmp, "own")
    os.makedirs(d)
    with open(os.path.join(d, "a.txt"), "w", encoding="utf-8") as f:
        f.write("瑞金市：义诊进社区\n\n近日，瑞金市卫健委组织市人民医院等9家医疗机构，"
                "在壬田镇6个社区开展义诊活动。\n")
    with open(os.path.join(d, "b.txt"), "w", encoding="utf-8") as f:
        f.write("章贡区赣江街道：党建引领基层治理\n\n赣江街道下辖9个社区，今年新建长者食堂3个。\n")
    out = os.path.join(tmp, "own.csv")
    run(binary, ["-q", "-o", os.path.join(tmp, "own.xlsx"), "--no-workbook", "--csv", out, d])
    got = {(r["article"], r["surface"]): r["indicator_id"] for r in read_csv(out)[1]}
    check("own place: a named town's communities are not the city's",
          got.get(("a.txt", "6个")) == "" and got.get(("a.txt", "9家")) == "health.med_units", got)
    check("own place: a street's own communities are its",
          got.get(("b.txt", "9个")) == "general.communities", got)


def fullwidth(text):
    return "".join(chr(ord(ch) - 0x30 + 0xFF10) if "0" <= ch <= "9" else ch for ch in text)


def test_encodings(binary, tmp, rows):
    """GB18030, UTF-16LE with BOM, CRLF and full-width-digit copies of every
    seed give the same figures as the originals."""
    variants = {
        "gb18030": lambda t: t.encode("gb18030"),
        "utf16": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        "fullwidth": lambda t: fullwidth(t).encode("utf-8"),
    }
    base = {}
    for r in rows:
        base.setdefault(r["article"], []).append(r)
    for name, enc in variants.items():
        d = os.path.join(tmp, name)
        os.makedirs(d)
        for f in sorted(os.listdir("seeds")):
            text = open(os.path.join("seeds", f), encoding="utf-8").read()
            open(os.path.join(d, f), "wb").write(enc(text))
        out = os.path.join(tmp, name + ".csv")
        rc, err = run(binary, ["-q", "-o", os.path.join(tmp, name + ".xlsx"), "--csv", out, d])
        _, got = read_csv(out)
        keys = ["locality", "locality_code", "category", "indicator", "value", "value_max", "unit",
                "qualifier", "period", "status", "sentence"]
        fold = (lambda s: s) if name != "fullwidth" else (lambda s: "".join(
            chr(ord(c) - 0xFF10 + 0x30) if "０" <= c <= "９" else c for c in s))
        same = len(got) == len(rows) and all(
            [g[k] for k in keys] == [r[k] for k in keys] and fold(g["surface"]) == r["surface"]
            for g, r in zip(got, rows))
        diff = next(((g["surface"], r["surface"]) for g, r in zip(got, rows)
                     if [g[k] for k in keys] != [r[k] for k in keys]), None)
        check("encoding %s: exit 0 and the same figures" % name, rc == 0 and same,
              (rc, len(got), len(rows), diff, err[-200:]))


def test_bad_input(binary, tmp):
    d = os.path.join(tmp, "bad")
    shutil.copytree("seeds", d)
    open(os.path.join(d, "empty.txt"), "wb").close()
    open(os.path.join(d, "image.txt"), "wb").write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06")
    os.symlink("loop.txt", os.path.join(d, "loop.txt"))  # unreadable: a link to itself
    os.mkdir(os.path.join(d, "folder.txt"))
    open(os.path.join(d, "cut.txt"), "wb").write("标题\n正文有12个食堂".encode()[:-2])
    out = os.path.join(tmp, "bad.xlsx")
    rc, err = run(binary, ["-o", out, "--csv", out + ".csv", d])
    check("bad input: exit status 2", rc == 2, (rc, err))
    for name, words in [("empty.txt", "empty"), ("image.txt", "binary"), ("loop.txt", "symbolic links"),
                        ("folder.txt", "directory")]:
        lines = [l for l in err.splitlines() if ("'%s'" % os.path.join(d, name)) in l]
        check("bad input: one clear message for %s" % name,
              len(lines) == 1 and words in lines[0] and "error" in lines[0], lines or err)
    cut = [l for l in err.splitlines() if "cut.txt" in l]
    check("bad input: truncated UTF-8 named in a warning", len(cut) == 1 and "truncated" in cut[0], cut)
    wb = openpyxl.load_workbook(out)
    names = [c.value for c in wb["对比"][2][2:]]
    check("bad input: the report of the others is written", len(names) >= 5, names)
    review = [r for r in wb["待核"].iter_rows(min_row=3, values_only=True) if r[0]]
    check("bad input: failures listed for review",
          sum(1 for r in review if r[0] == "文章未能读取") == 4, review[:6])
    english = [r[:3] for r in review for c in r[:3]
               if isinstance(c, str) and not c.endswith(".txt") and re.search(r"[A-Za-z]{3,}", c)]
    check("bad input: the review sheet speaks the workbook's language", not english, english[:3])


def test_threads(binary, tmp):
    """Threads change the speed, not the output: same CSV, same workbook,
    same messages in the same (article) order."""
    d = os.path.join(tmp, "bad")  # seeds plus the bad inputs of test_bad_input
    outs = []
    for jobs in ("1", "4"):
        out = os.path.join(tmp, "j%s.xlsx" % jobs)
        rc, err = run(binary, ["-v", "-j", jobs, "-o", out, "--csv", out + ".csv", d],
                      env={"SOURCE_DATE_EPOCH": "1700000000"})
        lines = [l for l in err.splitlines()  # the summary and where the time went vary
                 if not l.startswith("locstat: 1") and not l.startswith("locstat: time:")]
        times = [l for l in err.splitlines() if l.startswith("locstat: time:")]
        check("-v -j%s: where the time went, each stage named once" % jobs,
              len(times) == 1 and all(" %s " % st in times[0] for st in
                                      ("listing", "templates", "articles", "cache", "workbook", "exports")),
              times)
        outs.append((rc, lines, open(out + ".csv", "rb").read(), open(out, "rb").read()))
    (rc1, err1, csv1, xlsx1), (rc4, err4, csv4, xlsx4) = outs
    check("-j4: same exit status and CSV as -j1", rc1 == rc4 == 2 and csv1 == csv4, (rc1, rc4))
    check("-j4: byte-identical workbook", xlsx1 == xlsx4)
    check("-j4: the same messages in the same order", err1 == err4 and len(err1) > 10,
          [a + " | " + b for a, b in zip(err1, err4) if a != b][:3])
    named = [m.group(1) for m in map(re.compile(r"'[^']*/([^'/]+\.txt)'").search, err4) if m]
    check("-j4: messages in article order", named == sorted(named) and len(named) >= 5, named)
    rc, err = run(binary, ["-j", "0", "-o", os.path.join(tmp, "j0.xlsx"), d])
    check("-j 0: usage error naming the option", rc == 1 and "-j" in err, err)


def test_csv_quoting(binary, tmp):
    d = os.path.join(tmp, "quotes")
    os.mkdir(d)
    sentence = '站长说:"今年建成养老食堂12个,覆盖3个村"。'
    open(os.path.join(d, "q.txt"), "w", encoding="utf-8").write("乾安县养老服务\n" + sentence + "\n")
    out = os.path.join(tmp, "quotes.csv")
    run(binary, ["-q", "--no-workbook", "--csv", out, d])
    head, rows = read_csv(out)
    got = [(r["value"], r["sentence"]) for r in rows]
    check("csv: quotes doubled and commas kept inside the field",
          got == [("12", sentence), ("3", sentence)] and all(len(r) == 15 for r in rows), got)


def test_atomic(binary, tmp):
    out = os.path.join(tmp, "keep.xlsx")
    run(binary, ["-q", "-o", out, "seeds"])
    before = open(out, "rb").read()
    bad = os.path.join(tmp, "badtemplates")
    shutil.copytree("templates", bad)
    with open(os.path.join(bad, "exclude.tsv"), "a", encoding="utf-8") as f:
        f.write("span\t(unclosed\n")
    rc, err = run(binary, ["-o", out, "-t", bad, "seeds"])
    check("bad template: exit 3 and file:line:offset", rc == 3 and re.search(r"exclude\.tsv:\d+:\d+: ", err), err)
    check("bad template: the existing report is untouched", open(out, "rb").read() == before)
    leftovers = [f for f in os.listdir(tmp) if f.startswith(".keep.xlsx")]
    check("no temporary files left behind", not leftovers, leftovers)
    rc, err = run(binary, ["-o", os.path.join(tmp, "no", "such", "dir", "r.xlsx"), "seeds"])
    check("output in a missing directory: exit 3 with the path", rc == 3 and "no/such/dir" in err, err)
    rc, err = run(binary, ["--frobnicate"])
    check("usage error: exit 1", rc == 1)


def test_no_locality(binary, tmp):
    d = os.path.join(tmp, "noplace")
    os.mkdir(d)
    open(os.path.join(d, "a.txt"), "w", encoding="utf-8").write(
        "社区开展暖心活动\n社区志愿者为老人送去温暖，全年开展义诊12次。\n")
    out = os.path.join(tmp, "noplace.xlsx")
    rc, err = run(binary, ["-q", "-o", out, "--csv", out + ".csv", d])
    _, rows = read_csv(out + ".csv")
    check("no locality: figures still reported under 未识别",
          rc == 0 and len(rows) == 1 and rows[0]["locality"] == "未识别" and rows[0]["locality_code"] == "",
          rows)
    review = [r for r in openpyxl.load_workbook(out)["待核"].iter_rows(min_row=3, values_only=True) if r[0]]
    check("no locality: listed on the review sheet", any(r[0] == "地区未识别" for r in review), review)


def test_libreoffice(tmp, xlsx, rows):
    """A real spreadsheet application opens the workbook and exports the
    values we wrote."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    check("libreoffice: installed (make deps)", soffice is not None)
    if not soffice:
        return
    d = os.path.join(tmp, "lo")
    os.mkdir(d)
    # 44,34,76: comma, quote, UTF-8; the last -1: every sheet to its own file
    p = subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + os.path.join(tmp, "lo-profile"),
                        "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
                        "--outdir", d, xlsx], capture_output=True, text=True, timeout=300)
    files = sorted(os.listdir(d))
    check("libreoffice: converts the workbook without error", p.returncode == 0 and len(files) == len(SHEETS),
          (p.returncode, p.stderr[-300:], files))
    for cat, sheet in CATEGORY_SHEETS.items():
        name = [f for f in files if f.endswith("-%s.csv" % sheet)]
        if not name:
            check("libreoffice: sheet %s exported" % sheet, False, files)
            continue
        with open(os.path.join(d, name[0]), encoding="utf-8") as f:
            lo_rows = list(csv.reader(f))
        # column D holds the values, as LibreOffice formats them
        got = sorted(float(r[3].replace(",", "").replace("约", "").replace("近", "").replace("余", ""))
                     for r in lo_rows[2:] if len(r) > 3 and r[3] and r[11:12] and r[11].endswith(".txt"))
        want = sorted(float(r["value"]) for r in rows if r["category"] == cat)
        check("libreoffice: %s values match the CSV" % sheet, got == want, (got[:5], want[:5]))


def test_scale(binary, tmp):
    """Many localities turn the comparison (localities as rows); a category
    sheet is capped at --max-rows with a note pointing to the CSV."""
    d = os.path.join(tmp, "many")
    subprocess.run([sys.executable, "tests/gen_corpus.py", "80", d, "--seed", "3"], check=True,
                   capture_output=True)
    out = os.path.join(tmp, "many.xlsx")
    rc, err = run(binary, ["-q", "--max-rows", "50", "-o", out, "--csv", out + ".csv", d])
    wb = openpyxl.load_workbook(out)
    ws = wb["对比"]
    nloc = sum(1 for r in ws.iter_rows(min_row=4, values_only=True) if r[1] and str(r[1]).isdigit())
    check("scale: more than 30 localities are rows of the comparison",
          rc == 0 and ws["A2"].value == "地区" and nloc > 30, (rc, ws["A2"].value, nloc))
    _, rows = read_csv(out + ".csv")
    listed = sum(1 for r in wb["养老服务"].iter_rows(min_row=3, values_only=True) if r[11])
    notes = [r[0] for r in wb["养老服务"].iter_rows(min_row=3, values_only=True)
             if r[0] and str(r[0]).startswith("注")]
    check("scale: --max-rows caps a category sheet, with a note; the CSV has all",
          listed == 50 and notes and sum(1 for r in rows if r["category"] == "elderly") > 50, (listed, notes))
    # the review sheet lists figures no category took, and the updates
    # sheet a first run's new articles, as many as a category sheet
    out = os.path.join(tmp, "many20.xlsx")
    rc, err = run(binary, ["-q", "--max-rows", "20", "-o", out, "--csv", out + ".csv", d])
    wb = openpyxl.load_workbook(out)
    review = [r for r in wb["待核"].iter_rows(min_row=3, values_only=True) if r[0]]
    updates = [r for r in wb["更新"].iter_rows(min_row=3, values_only=True) if r[0]]
    new = [r for r in wb["来源"].iter_rows(min_row=3, values_only=True) if r[13] == "新增"]
    check("scale: --max-rows caps the updates sheet's new articles; the sources sheet marks all",
          sum(1 for r in updates if r[0] == "新增") == 20 and len(new) == 80 and
          any(str(r[0]).startswith("注") and "来源表" in r[0] for r in updates),
          (len(new), updates[-3:]))
    _, rows = read_csv(out + ".csv")
    others = sum(1 for r in rows if r["category"] == "other")
    listed = sum(1 for r in review if r[0] == "未归类数字")
    notes = [r[0] for r in review if str(r[0]).startswith("注")]
    check("scale: --max-rows caps the review sheet's uncategorised figures, with a note",
          rc == 0 and others > 20 and listed == 20 and len(notes) == 1 and "20" in notes[0],
          (rc, others, listed, notes))


def test_grouped_by_locality(binary, tmp):
    """A category sheet lists figures by locality (comparison order), then
    article: a later article about the first locality comes before the
    second locality's; a duplicate is not listed."""
    d = os.path.join(tmp, "grouped")
    os.mkdir(d)
    seeds = sorted(f for f in os.listdir("seeds") if f.endswith(".txt"))
    shutil.copy(os.path.join("seeds", seeds[0]), os.path.join(d, "1.txt"))  # 乾安县
    shutil.copy(os.path.join("seeds", seeds[1]), os.path.join(d, "2.txt"))  # 桦甸市
    shutil.copy(os.path.join("seeds", seeds[1]), os.path.join(d, "4.txt"))  # a copy of 2
    open(os.path.join(d, "3.txt"), "w", encoding="utf-8").write(
        "乾安县：为老服务再升级\n乾安县今年为全县老年人发放高龄补贴4.6万元，新建老年食堂3个，"
        "组织志愿者上门探访独居老人1200人次。\n")
    out = os.path.join(tmp, "grouped.xlsx")
    rc, err = run(binary, ["-q", "-o", out, d])
    wb = openpyxl.load_workbook(out)
    order = {}
    for sheet in CATEGORY_SHEETS.values():
        seq = []
        for r in wb[sheet].iter_rows(min_row=3, values_only=True):
            if r[11] and (not seq or seq[-1] != r[11]):
                seq.append(r[11])
        order[sheet] = seq
    elderly = order["养老服务"]
    check("category sheets: figures grouped by locality, then article; no duplicate",
          rc == 0 and elderly == ["1.txt", "3.txt", "2.txt"] and
          all(s == [a for a in ["1.txt", "3.txt", "2.txt"] if a in s] for s in order.values()),
          (rc, err, order))


def test_english(binary, tmp):
    out = os.path.join(tmp, "en.xlsx")
    rc, _ = run(binary, ["-q", "--lang", "en", "-o", out, "seeds"])
    wb = openpyxl.load_workbook(out)
    check("--lang en: English sheet names", rc == 0 and wb.sheetnames[:2] == ["Overview", "Comparison"],
          wb.sheetnames)


# What may stay in Latin letters in a Chinese workbook: proper names (the
# program, file formats and encodings), the CSV's identifiers (catalogue
# and category ids, which staff match against the exports), file names and
# addresses, and what the articles themselves wrote (quoted in evidence).
PROPER_NAMES = {"locstat", "CSV", "csv", "UTF", "GB18030", "GBK", "Big5", "LE", "BE", "BOM"}
CATEGORY_IDS = set(CATEGORY_SHEETS)


def latin_words(text):
    text = re.sub(r"https?://\S+|(?:/[\w.-]+)+/?|[\w.-]+\.(?:txt|tsv|csv|xlsx)\b", " ", text)
    return re.findall(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]", text)


def test_workbook_language(binary, shared, tmp):
    """Every cell and comment of every sheet of a Chinese workbook, on real
    pages with failures, namesakes and a place outside the table."""
    d = os.path.join(tmp, "lang")
    shutil.copytree(os.path.join(shared, "dev", "articles"), d)
    for name in sorted(os.listdir("seeds")):
        if name.endswith(".txt"):
            shutil.copy(os.path.join("seeds", name), d)
    open(os.path.join(d, "empty.txt"), "wb").close()
    open(os.path.join(d, "image.txt"), "wb").write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    open(os.path.join(d, "nowhere.txt"), "w", encoding="utf-8").write("社区活动\n社区组织志愿者服务老人30人次。\n")
    open(os.path.join(d, "twice.txt"), "w", encoding="utf-8").write("渤海街道开展敬老活动\n街道走访老人12户。\n")
    quoted = set()
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            quoted.update(latin_words(f.read().decode("utf-8", "replace")))
    out = os.path.join(tmp, "lang.xlsx")
    rc, err = run(binary, ["-q", "-o", out, d])
    wb = openpyxl.load_workbook(out)
    allowed = PROPER_NAMES | CATEGORY_IDS | catalogue_ids() | quoted
    english, seen = [], 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                for v in (c.value, c.comment.text if c.comment else None):
                    if not isinstance(v, str):
                        continue
                    seen += 1
                    bad = [w for w in latin_words(v) if w not in allowed]
                    if bad:
                        english.append((ws.title, c.coordinate, bad[:3], v[:60]))
    review = [r[0] for r in wb["待核"].iter_rows(min_row=3, values_only=True) if r[0]]
    check("language: the run reports failures and places to review",
          rc == 2 and "文章未能读取" in review and "地区未识别" in review and "地区有歧义" in review,
          (rc, review[:8], err[-300:]))
    check("language: no English word in any cell or comment of the Chinese workbook (%d read)" % seen,
          seen > 1000 and not english, english[:5])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    ap.add_argument("--shared", default="../shared")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as tmp:
        rows = test_seeds(binary, a.shared, tmp)
        test_libreoffice(tmp, os.path.join(tmp, "r.xlsx"), rows)
        test_rerun_identical(binary, tmp)
        test_encodings(binary, tmp, rows)
        test_bad_input(binary, tmp)
        test_threads(binary, tmp)
        test_csv_quoting(binary, tmp)
        test_atomic(binary, tmp)
        test_no_locality(binary, tmp)
        test_scale(binary, tmp)
        test_grouped_by_locality(binary, tmp)
        test_english(binary, tmp)
        test_workbook_language(binary, a.shared, tmp)
        test_memoised_conversion(binary, a.shared, tmp)
        test_own_place(binary, tmp)
        test_figure_store(binary, a.shared, tmp)
    return finish("e2e")


if __name__ == "__main__":
    sys.exit(main())
