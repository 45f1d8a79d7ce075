#!/usr/bin/env python3
"""Corrections where staff work: edits made in the saved workbook.

Runs locstat, edits the workbook as staff would (openpyxl; then the same
edits saved through LibreOffice, a client with its own XML writer), sorts
a sheet first, reruns, and checks the CSV. Also: corrections files in the
encodings Excel and WPS save, hostile workbooks, and a corrupt state file.

usage: tests/workbook.py [--bin build/locstat]
Closes with "N passed, N failed".
"""
import argparse
import codecs
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

from checks import check, finish

NOWHERE = "社区活动见闻\n社区组织志愿者为老人理发，服务老人30人次。\n"
NAMESAKES = "渤海街道开展敬老活动\n街道走访独居老人12户。\n"  # a street in three counties
CHOSEN = "211103003"
NEW_ARTICLE = "新城县：社区食堂温暖老人心\n新城县新建社区食堂6个，日均服务老人300余人次。\n"
ELDERLY, REVIEW = "养老服务", "待核"
# the edits: (article prefix, surface) of figures on the 养老服务 sheet
EXCLUDE = ("000_", "1318名")
RECATEGORISE = ("000_", "356人次")
REVALUE = ("000_", "7000余元")
PLACE_CODE = "220723"  # 乾安县
TEMPLATES = os.path.abspath("templates")


def run(binary, work, *extra):
    p = subprocess.run([binary, "-t", TEMPLATES, "-o", "r.xlsx", "--csv", "r.csv", *extra, "arts"],
                       cwd=work, capture_output=True, text=True)
    return p.returncode, p.stderr


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fresh(tmp, name):
    work = os.path.join(tmp, name)
    shutil.copytree("seeds", os.path.join(work, "arts"))
    open(os.path.join(work, "arts", "009_nowhere.txt"), "w", encoding="utf-8").write(NOWHERE)
    open(os.path.join(work, "arts", "011_namesakes.txt"), "w", encoding="utf-8").write(NAMESAKES)
    return work


def header(ws):
    return {c.value: c.column - 1 for c in ws[2] if c.value}


def edit(path, out):
    """Staff's edits: sort the sheet first, then find rows by their cells."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ELDERLY]
    h = header(ws)
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[h["文章"]], str)]
    rows.sort(key=lambda r: (str(r[h["原文"]]), str(r[h["文章"]])), reverse=True)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.cell(row=3 + i, column=1 + j, value=v)

    def row_of(key):
        for i, r in enumerate(rows):
            if r[h["文章"]].startswith(key[0]) and r[h["原文"]] == key[1]:
                return 3 + i
        raise SystemExit("no row for %s" % (key,))

    ws.cell(row=row_of(EXCLUDE), column=1 + h["人工更正"], value="排除")
    ws.cell(row=row_of(RECATEGORISE), column=1 + h["人工更正"], value="儿童关爱")
    ws.cell(row=row_of(REVALUE), column=1 + h["更正数值"], value=7300)
    rv = wb[REVIEW]
    hr = header(rv)
    for r in rv.iter_rows(min_row=3):
        if r[hr["文章"]].value == "009_nowhere.txt" and r[0].value == "地区未识别":
            r[hr["更正地区"]].value = PLACE_CODE
        if r[hr["文章"]].value == "011_namesakes.txt" and r[0].value == "地区有歧义":
            cell = r[hr["更正地区"]]
            lists = [dv.formula1 for dv in rv.data_validations.dataValidation
                     if cell.coordinate in dv.sqref and dv.type == "list"]
            # staff pick from the dropdown: the choice as it offers it
            choice = next(c for c in lists[0].strip('"').split(",") if c.endswith(CHOSEN))
            cell.value = choice
    wb.save(out)


def effects(rows):
    a = [r for r in rows if r["article"].startswith("000_")]
    return {
        "excluded": not any(r["surface"] == EXCLUDE[1] for r in a),
        "category": [r["category"] for r in a if r["surface"] == RECATEGORISE[1]] == ["children"],
        "value": [r["value"] for r in a if r["surface"] == REVALUE[1]] == ["7300"],
        "place": {r["locality_code"] for r in rows if r["article"] == "009_nowhere.txt"} == {PLACE_CODE},
        "candidate": {r["locality_code"] for r in rows if r["article"] == "011_namesakes.txt"} == {CHOSEN},
    }


def test_openpyxl(binary, tmp):
    work = fresh(tmp, "edit")
    fixes = os.path.join(work, "arts", "corrections.tsv")
    notes = "# our notes: checked 2026-11\r\n".encode("utf-16")  # as Excel saves Unicode text
    open(fixes, "wb").write(notes)
    rc, err = run(binary, work)
    check("workbook: first run", rc == 0, err[-300:])
    before = effects(read_csv(os.path.join(work, "r.csv")))
    check("workbook: the edits are not there before", not any(before.values()), before)
    edit(os.path.join(work, "r.xlsx"), os.path.join(work, "r.xlsx"))
    rc, err = run(binary, work)
    got = effects(read_csv(os.path.join(work, "r.csv")))
    check("workbook: exclude, category, value, place and a candidate from the dropdown applied after sorting",
          rc == 0 and all(got.values()), (rc, got, err[-400:]))
    raw = open(fixes, "rb").read()
    lines = [l for l in raw.decode("utf-8-sig").splitlines() if l and not l.startswith("#")]
    check("workbook: each edit is a line of corrections.tsv, UTF-8 with BOM, after staff's own lines",
          raw.startswith(codecs.BOM_UTF8) and raw.decode("utf-8-sig").startswith("# our notes") and
          sorted(l.split("\t")[0] for l in lines) == ["category", "exclude", "place", "place", "value"], lines)
    check("workbook: the previous corrections.tsv is kept as .bak, byte for byte",
          open(fixes + ".bak", "rb").read() == notes)
    wb = openpyxl.load_workbook(os.path.join(work, "r.xlsx"))
    h = header(wb["儿童关爱"])
    moved = [r for r in wb["儿童关爱"].iter_rows(min_row=3, values_only=True)
             if r[0] and r[h["原文"]] == RECATEGORISE[1]]
    check("workbook: the new workbook shows the edit as applied, and the inputs are empty",
          len(moved) == 1 and "类别" in (moved[0][h["已更正"]] or "") and moved[0][h["人工更正"]] is None,
          moved)
    # the next run reads the new workbook: nothing new, nothing doubled
    open(os.path.join(work, "arts", "010_new.txt"), "w", encoding="utf-8").write(NEW_ARTICLE)
    rc, err = run(binary, work)
    got = effects(read_csv(os.path.join(work, "r.csv")))
    check("workbook: a new article arrives and the edits persist", rc == 0 and all(got.values()), got)
    check("workbook: corrections.tsv is not doubled by rereading", open(fixes, "rb").read() == raw)
    return work


def test_unreadable_corrections(binary, tmp):
    """A corrections file that cannot be decoded is never overwritten."""
    work = fresh(tmp, "unreadable")
    run(binary, work)
    edit(os.path.join(work, "r.xlsx"), os.path.join(work, "r.xlsx"))
    fixes = os.path.join(work, "arts", "corrections.tsv")
    garbage = b"exclude\t\xff\xfe\xfd\x80\x81 broken\n" * 3
    open(fixes, "wb").write(garbage)
    rc, err = run(binary, work)
    got = effects(read_csv(os.path.join(work, "r.csv")))
    check("workbook: an unreadable corrections.tsv is left as it was, said on stderr, edits still applied",
          open(fixes, "rb").read() == garbage and "corrections.tsv" in err and rc == 2 and all(got.values()),
          (rc, got, err[-300:]))


def test_libreoffice(binary, tmp):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    check("libreoffice: installed (make deps)", soffice is not None)
    if not soffice:
        return
    work = fresh(tmp, "lo")
    rc, err = run(binary, work)
    edit(os.path.join(work, "r.xlsx"), os.path.join(work, "edited.xlsx"))
    outdir = os.path.join(work, "lo")
    p = subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + os.path.join(work, "profile"),
                        "--convert-to", "xlsx", "--outdir", outdir, os.path.join(work, "edited.xlsx")],
                       capture_output=True, text=True, timeout=300)
    saved = os.path.join(outdir, "edited.xlsx")
    check("libreoffice: saves the edited workbook", p.returncode == 0 and os.path.exists(saved),
          p.stderr[-300:])
    if not os.path.exists(saved):
        return
    with zipfile.ZipFile(saved) as z:
        writer = z.read("docProps/app.xml").decode("utf-8", "replace")
    rc, err = run(binary, work, "--corrections-from", saved)
    got = effects(read_csv(os.path.join(work, "r.csv")))
    check("libreoffice: the same edits, saved by LibreOffice's writer, are read back",
          "LibreOffice" in writer and rc == 0 and all(got.values()), (got, err[-400:]))


def test_encodings(binary, tmp):
    base = fresh(tmp, "enc-plain")
    text = ("# staff corrections\n"
            "exclude\t000_ec0055d028407f80.txt\t1318名\t1\n"
            "category\t000_ec0055d028407f80.txt\t356人次\t1\tchildren\n"
            "value\t000_ec0055d028407f80.txt\t7000余元\t1\t7300\n"
            "place\t009_nowhere.txt\t乾安县\n"
            "place\t011_namesakes.txt\t211103003\n")
    open(os.path.join(base, "arts", "corrections.tsv"), "w", encoding="utf-8").write(text)
    run(binary, base)
    want = open(os.path.join(base, "r.csv"), "rb").read()
    check("encodings: plain UTF-8 applies them all", all(effects(read_csv(os.path.join(base, "r.csv"))).values()))
    crlf = text.replace("\n", "\r\n")
    for name, data in [("utf-16le", codecs.BOM_UTF16_LE + crlf.encode("utf-16-le")),
                       ("utf-16be", codecs.BOM_UTF16_BE + crlf.encode("utf-16-be")),
                       ("gb18030", crlf.encode("gb18030")),
                       ("utf-8-bom-crlf", codecs.BOM_UTF8 + crlf.encode("utf-8"))]:
        work = fresh(tmp, "enc-" + name)
        open(os.path.join(work, "arts", "corrections.tsv"), "wb").write(data)
        rc, err = run(binary, work)
        check("encodings: corrections.tsv in %s applies the same corrections" % name,
              rc == 0 and open(os.path.join(work, "r.csv"), "rb").read() == want, err[-300:])


def test_template_encodings(binary, tmp):
    """Templates staff edit in Excel or WPS come back in its encodings."""
    work = fresh(tmp, "tmpl-plain")
    run(binary, work)
    want = open(os.path.join(work, "r.csv"), "rb").read()
    work = fresh(tmp, "tmpl-enc")
    t = os.path.join(work, "templates")
    shutil.copytree(TEMPLATES, t)
    for name, enc, bom in [("units.tsv", "utf-16-le", codecs.BOM_UTF16_LE),
                           ("words.tsv", "gb18030", b""), ("labels.tsv", "utf-16-be", codecs.BOM_UTF16_BE),
                           ("classify.tsv", "utf-8", codecs.BOM_UTF8)]:
        text = open(os.path.join(TEMPLATES, name), encoding="utf-8").read().replace("\n", "\r\n")
        open(os.path.join(t, name), "wb").write(bom + text.encode(enc))
    p = subprocess.run([binary, "-t", t, "-o", "r.xlsx", "--csv", "r.csv", "arts"], cwd=work,
                       capture_output=True, text=True)
    check("encodings: templates in UTF-16LE/BE, GB18030 and UTF-8+BOM with CRLF give the same CSV",
          p.returncode == 0 and open(os.path.join(work, "r.csv"), "rb").read() == want, p.stderr[-300:])


def hostile(binary, tmp, name, make, words):
    work = fresh(tmp, "bad-" + name)
    path = os.path.join(work, "bad.xlsx")
    make(path)
    p = subprocess.run([binary, "-t", TEMPLATES, "-q", "-o", "r.xlsx", "--csv", "r.csv",
                        "--corrections-from", path, "arts"],
                       cwd=work, capture_output=True, text=True, timeout=300)
    lines = [l for l in p.stderr.splitlines() if "bad.xlsx" in l]
    ok = os.path.exists(os.path.join(work, "r.xlsx"))
    review = []
    if ok:
        review = [r for r in openpyxl.load_workbook(os.path.join(work, "r.xlsx"))[REVIEW]
                  .iter_rows(min_row=3, values_only=True) if r[0] == "工作簿更正无法读取"]
    check("hostile workbook %s: one clear message, on 待核 too, and the report is written" % name,
          len(lines) == 1 and words in lines[0] and ok and len(review) == 1, (lines, p.stderr[-300:], review))


def zip_of(parts):
    def make(path):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, d)
    return make


WB = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="养老服务" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')


def sheet(rows):
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s'
            '</sheetData></worksheet>' % rows)


def test_hostile(binary, tmp):
    hostile(binary, tmp, "not-a-zip", lambda p: open(p, "wb").write(b"this is not a workbook\n"), "not a zip")
    hostile(binary, tmp, "no-sheets", zip_of({"xl/workbook.xml": WB.replace(
        '<sheet name="养老服务" sheetId="1" r:id="rId1"/>', ""), "xl/_rels/workbook.xml.rels": RELS}), "no sheets")
    hostile(binary, tmp, "malformed-xml", zip_of({"xl/workbook.xml": WB, "xl/_rels/workbook.xml.rels": RELS,
                                                  "xl/worksheets/sheet1.xml": "<worksheet><sheetData><row>"}),
            "malformed XML")
    hostile(binary, tmp, "sst-out-of-range", zip_of({
        "xl/workbook.xml": WB, "xl/_rels/workbook.xml.rels": RELS,
        "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                '<si><t>文章</t></si></sst>',
        "xl/worksheets/sheet1.xml": sheet('<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>7</v></c></row>')}),
        "out of range")

    def bomb(path):
        # a sheet of a billion bytes of whitespace compresses to about 1 MB
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/workbook.xml", WB)
            z.writestr("xl/_rels/workbook.xml.rels", RELS)
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
                f.write(b"<worksheet><sheetData>")
                block = b" " * (1 << 20)
                for _ in range(1024):
                    f.write(block)
                f.write(b"</sheetData></worksheet>")
    hostile(binary, tmp, "1GB-sheet", bomb, "more than")
    # Excel saves a password-protected workbook as an encrypted OLE file
    hostile(binary, tmp, "password", lambda p: open(p, "wb").write(
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 504 + b"EncryptedPackage"), "password-protected")


def test_state_backup(binary, tmp):
    work = fresh(tmp, "state")
    run(binary, work)
    state = os.path.join(work, "r.state.tsv")
    first = {l.split("\t")[1]: l.split("\t")[3] for l in open(state, encoding="utf-8")
             if l.startswith("A\t")}
    open(os.path.join(work, "arts", "010_new.txt"), "w", encoding="utf-8").write(NEW_ARTICLE)
    run(binary, work)  # rewrites the state: the previous one is kept as .bak
    check("state: the previous state is kept as .bak", os.path.exists(state + ".bak"))
    with open(state, "r+b") as f:  # a crash or a full disk left it cut short
        f.truncate(os.path.getsize(state) // 3)
    p = subprocess.run([binary, "-t", TEMPLATES, "-q", "-o", "r.xlsx", "--csv", "r.csv", "arts"],
                       cwd=work, capture_output=True, text=True)
    check("state: the restore is said on stderr under -q", "restored" in p.stderr, p.stderr[-300:])
    again = {l.split("\t")[1]: l.split("\t")[3] for l in open(state, encoding="utf-8")
             if l.startswith("A\t")}
    check("state: a corrupt state is restored from its backup, every first-seen date kept",
          all(again.get(k) == v for k, v in first.items()), (first, again))
    review = [r for r in openpyxl.load_workbook(os.path.join(work, "r.xlsx"))[REVIEW]
              .iter_rows(min_row=3, values_only=True) if r[0] == "运行记录已恢复"]
    check("state: the restore is said on 待核", len(review) == 1, review)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/locstat")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as tmp:
        test_openpyxl(binary, tmp)
        test_unreadable_corrections(binary, tmp)
        test_libreoffice(binary, tmp)
        test_encodings(binary, tmp)
        test_template_encodings(binary, tmp)
        test_hostile(binary, tmp)
        test_state_backup(binary, tmp)
    return finish("workbook")


if __name__ == "__main__":
    sys.exit(main())
