/* xlsxread.c - a saved workbook, read back with libzip and expat. */
#include "xlsxread.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* Longest cell text kept; Excel's own limit is 32767 characters. */
#define MAX_CELL_BYTES ((size_t)128 << 10)
#define CHUNK 65536

struct xr_book {
    zip_t *zip;
    zip_source_t *src; /* when opened from memory, until zip owns it */
    char **names, **parts;
    size_t nsheets, sheet_alloc;
    /* shared strings, NUL-separated in one buffer */
    strbuf sst;
    size_t *sst_off, nsst, sst_alloc;
};

/* ---- one XML part through expat ---- */

typedef struct {
    XML_Parser p;
    strbuf *why;
    int failed;
} xml_run;

static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (!strcmp(local(atts[i]), name))
            return atts[i + 1];
    return NULL;
}

static void fail(xml_run *x, const char *msg)
{
    if (!x->failed)
        sb_addstr(x->why, msg);
    x->failed = 1;
    XML_StopParser(x->p, XML_FALSE);
}

/* Inflate part @p name of @p b through a parser set up by the caller. */
static ls_error parse_part(xr_book *b, const char *name, xml_run *x)
{
    zip_int64_t idx = zip_name_locate(b->zip, name, 0);
    zip_file_t *zf;
    char *buf;
    size_t total = 0;
    ls_error err = LS_OK;

    if (idx < 0) {
        sb_addf(x->why, "part '%s' is missing", name);
        return LS_ERR_WORKBOOK;
    }
    zf = zip_fopen_index(b->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        zip_error_t *ze = zip_get_error(b->zip);
        int code = zip_error_code_zip(ze);
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
            sb_addstr(x->why, "the workbook is password-protected");
        else
            sb_addf(x->why, "cannot open part '%s': %s", name, zip_error_strerror(ze));
        return LS_ERR_WORKBOOK;
    }
    buf = xmalloc(CHUNK);
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, CHUNK);
        if (n < 0) {
            sb_addf(x->why, "cannot inflate part '%s': %s", name, zip_error_strerror(zip_file_get_error(zf)));
            err = LS_ERR_WORKBOOK;
            break;
        }
        total += (size_t)n;
        if (total > XR_MAX_PART) {
            sb_addf(x->why, "part '%s' inflates to more than %zu MB", name, XR_MAX_PART >> 20);
            err = LS_ERR_WORKBOOK;
            break;
        }
        if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!x->failed)
                sb_addf(x->why, "malformed XML in '%s' at line %lu: %s", name,
                        (unsigned long)XML_GetCurrentLineNumber(x->p),
                        XML_ErrorString(XML_GetErrorCode(x->p)));
            err = LS_ERR_WORKBOOK;
            break;
        }
        if (n == 0 || x->failed)
            break;
    }
    if (x->failed)
        err = LS_ERR_WORKBOOK;
    free(buf);
    zip_fclose(zf);
    return err;
}

static XML_Parser new_parser(void *ud)
{
    /* '|' separates a namespace from the local name: writers differ in
     * prefixes (x:row, row), not in namespaces */
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    if (!p)
        die("out of memory creating an XML parser");
    XML_SetUserData(p, ud);
    return p;
}

/* ---- the sheet list: workbook.xml and its relationships ---- */

typedef struct {
    xml_run x;
    xr_book *b;
    char **rid;      /* workbook.xml: each sheet's relationship id */
    char *sst_part;  /* rels: the shared strings part, if named */
} list_ctx;

static void wb_start(void *ud, const char *name, const char **atts)
{
    list_ctx *c = ud;
    const char *n, *id;
    if (strcmp(local(name), "sheet"))
        return;
    n = attr(atts, "name");
    id = attr(atts, "id");
    if (!n || !id)
        return;
    ALLOC_GROW(c->b->names, c->b->nsheets + 1, c->b->sheet_alloc);
    c->rid = xrealloc(c->rid, (c->b->nsheets + 1) * sizeof(*c->rid));
    c->b->names[c->b->nsheets] = xstrdup(n);
    c->rid[c->b->nsheets] = xstrdup(id);
    c->b->nsheets++;
}

/* A relationship target, as a path inside the zip. */
static char *part_path(const char *target)
{
    if (target[0] == '/')
        return xstrdup(target + 1);
    return xstrfmt("xl/%s", target);
}

static void rels_start(void *ud, const char *name, const char **atts)
{
    list_ctx *c = ud;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (strcmp(local(name), "Relationship") || !id || !target)
        return;
    if (type && strlen(type) >= 13 && !strcmp(type + strlen(type) - 13, "sharedStrings")) {
        free(c->sst_part);
        c->sst_part = part_path(target);
    }
    for (size_t i = 0; i < c->b->nsheets; i++)
        if (c->rid[i] && !strcmp(c->rid[i], id) && !c->b->parts[i])
            c->b->parts[i] = part_path(target);
}

/* ---- shared strings ---- */

typedef struct {
    xml_run x;
    xr_book *b;
    int in_si, in_t, in_rph;
    size_t start;
} sst_ctx;

static void sst_start(void *ud, const char *name, const char **atts)
{
    sst_ctx *c = ud;
    const char *l = local(name);
    (void)atts;
    if (!strcmp(l, "si")) {
        c->in_si = 1;
        c->start = c->b->sst.len;
    } else if (!strcmp(l, "rPh")) {
        c->in_rph = 1;
    } else if (!strcmp(l, "t") && c->in_si && !c->in_rph) {
        c->in_t = 1;
    }
}

static void sst_end(void *ud, const char *name)
{
    sst_ctx *c = ud;
    const char *l = local(name);
    if (!strcmp(l, "si") && c->in_si) {
        xr_book *b = c->b;
        ALLOC_GROW(b->sst_off, b->nsst + 1, b->sst_alloc);
        b->sst_off[b->nsst++] = c->start;
        sb_addch(&b->sst, '\0');
        c->in_si = 0;
    } else if (!strcmp(l, "rPh")) {
        c->in_rph = 0;
    } else if (!strcmp(l, "t")) {
        c->in_t = 0;
    }
}

static void sst_text(void *ud, const char *s, int len)
{
    sst_ctx *c = ud;
    if (c->in_t && c->b->sst.len - c->start + (size_t)len <= MAX_CELL_BYTES)
        sb_add(&c->b->sst, s, (size_t)len);
}

/* ---- opening ---- */

/* Excel saves a password-protected workbook as an encrypted OLE compound
 * file, not a zip: its first eight bytes say so. */
static int is_ole(const char *path, const void *data, size_t len)
{
    static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    unsigned char head[8];
    if (!data) {
        FILE *f = fopen(path, "rb");
        len = f ? fread(head, 1, sizeof(head), f) : 0;
        if (f)
            fclose(f);
        data = head;
    }
    return len >= sizeof(magic) && !memcmp(data, magic, sizeof(magic));
}

ls_error xr_open(xr_book **out, const char *path, const void *data, size_t len, strbuf *why)
{
    xr_book *b = xcalloc(1, sizeof(*b));
    list_ctx lc;
    ls_error err = LS_ERR_WORKBOOK;
    int zerr = 0;
    zip_error_t ze;

    memset(&lc, 0, sizeof(lc));
    *out = NULL;
    zip_error_init(&ze);
    if (is_ole(path, data, len)) {
        sb_addstr(why, "the workbook is password-protected (or an old .xls file)");
        goto fail;
    }
    if (data) {
        b->src = zip_source_buffer_create(data, len, 0, &ze);
        if (b->src)
            b->zip = zip_open_from_source(b->src, ZIP_RDONLY, &ze);
        if (b->zip)
            b->src = NULL; /* the archive owns it now */
        zerr = zip_error_code_zip(&ze);
    } else {
        b->zip = zip_open(path, ZIP_RDONLY, &zerr);
    }
    if (!b->zip) {
        if (zerr == ZIP_ER_NOZIP)
            sb_addstr(why, "not a zip file, so not an .xlsx workbook");
        else {
            zip_error_t e2;
            zip_error_init_with_code(&e2, zerr);
            sb_addf(why, "cannot open as a zip file: %s", zip_error_strerror(&e2));
            zip_error_fini(&e2);
        }
        goto fail;
    }

    lc.b = b;
    lc.x.why = why;
    lc.x.p = new_parser(&lc);
    XML_SetStartElementHandler(lc.x.p, wb_start);
    err = parse_part(b, "xl/workbook.xml", &lc.x);
    XML_ParserFree(lc.x.p);
    if (err)
        goto fail;
    if (!b->nsheets) {
        sb_addstr(why, "the workbook has no sheets");
        err = LS_ERR_WORKBOOK;
        goto fail;
    }
    b->parts = xcalloc(b->nsheets, sizeof(*b->parts));
    lc.x.p = new_parser(&lc);
    XML_SetStartElementHandler(lc.x.p, rels_start);
    err = parse_part(b, "xl/_rels/workbook.xml.rels", &lc.x);
    XML_ParserFree(lc.x.p);
    if (err)
        goto fail;

    {
        const char *sst = lc.sst_part ? lc.sst_part : "xl/sharedStrings.xml";
        if (zip_name_locate(b->zip, sst, 0) >= 0) {
            sst_ctx sc;
            memset(&sc, 0, sizeof(sc));
            sc.b = b;
            sc.x.why = why;
            sc.x.p = new_parser(&sc);
            XML_SetElementHandler(sc.x.p, sst_start, sst_end);
            XML_SetCharacterDataHandler(sc.x.p, sst_text);
            err = parse_part(b, sst, &sc.x);
            XML_ParserFree(sc.x.p);
            if (err)
                goto fail;
        }
    }
    err = LS_OK;
    *out = b;
fail:
    zip_error_fini(&ze);
    for (size_t i = 0; lc.rid && i < b->nsheets; i++)
        free(lc.rid[i]);
    free(lc.rid);
    free(lc.sst_part);
    if (err) {
        if (!why->len)
            sb_addstr(why, "cannot read the workbook");
        xr_free(b);
        return LS_ERR_WORKBOOK;
    }
    return LS_OK;
}

size_t xr_sheet_count(const xr_book *b)
{
    return b->nsheets;
}

const char *xr_sheet_name(const xr_book *b, size_t i)
{
    return i < b->nsheets ? b->names[i] : NULL;
}

/* ---- a sheet, row by row ---- */

typedef struct {
    xml_run x;
    xr_book *b;
    xr_row_fn fn;
    void *ctx;
    unsigned row, col; /* current row (1-based), next column (0-based) */
    int in_row, in_cell, in_v, in_t, in_is, in_rph, stopped;
    char type[16];
    strbuf text;
    char *cells[XR_MAX_COLS];
    int any;
} sheet_ctx;

/* "BC12" -> column 54 (0-based); -1 when there are no letters. */
static long ref_col(const char *r)
{
    long c = 0;
    int n = 0;
    for (; *r >= 'A' && *r <= 'Z' && n < 4; r++, n++)
        c = c * 26 + (*r - 'A' + 1);
    return n ? c - 1 : -1;
}

static void clear_cells(sheet_ctx *c)
{
    for (size_t i = 0; i < XR_MAX_COLS; i++) {
        free(c->cells[i]);
        c->cells[i] = NULL;
    }
    c->any = 0;
}

static void sh_start(void *ud, const char *name, const char **atts)
{
    sheet_ctx *c = ud;
    const char *l = local(name);
    if (!strcmp(l, "row")) {
        const char *r = attr(atts, "r");
        long n = r ? strtol(r, NULL, 10) : 0;
        c->row = n > 0 ? (unsigned)n : c->row + 1;
        c->col = 0;
        c->in_row = 1;
        clear_cells(c);
    } else if (!strcmp(l, "c") && c->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        long col = r ? ref_col(r) : -1;
        if (col >= 0)
            c->col = (unsigned)col;
        snprintf(c->type, sizeof(c->type), "%s", t ? t : "n");
        c->in_cell = 1;
        c->text.len = 0;
        if (c->text.buf)
            c->text.buf[0] = '\0';
    } else if (c->in_cell && !strcmp(l, "v")) {
        c->in_v = 1;
    } else if (c->in_cell && !strcmp(l, "is")) {
        c->in_is = 1;
    } else if (c->in_is && !strcmp(l, "rPh")) {
        c->in_rph = 1;
    } else if (c->in_is && !c->in_rph && !strcmp(l, "t")) {
        c->in_t = 1;
    }
}

static void sh_end(void *ud, const char *name)
{
    sheet_ctx *c = ud;
    const char *l = local(name);
    if (!strcmp(l, "v")) {
        c->in_v = 0;
    } else if (!strcmp(l, "t")) {
        c->in_t = 0;
    } else if (!strcmp(l, "rPh")) {
        c->in_rph = 0;
    } else if (!strcmp(l, "is")) {
        c->in_is = 0;
    } else if (!strcmp(l, "c") && c->in_cell) {
        const char *val = c->text.buf ? c->text.buf : "";
        c->in_cell = 0;
        if (!strcmp(c->type, "s") && c->text.len) {
            char *end;
            unsigned long k = strtoul(val, &end, 10);
            if (*end || k >= c->b->nsst) {
                char msg[96];
                snprintf(msg, sizeof(msg), "shared string index %.20s out of range (%zu strings)", val,
                         c->b->nsst);
                fail(&c->x, msg);
                return;
            }
            val = c->b->sst.buf + c->b->sst_off[k];
        }
        if (c->col < XR_MAX_COLS && *val) {
            free(c->cells[c->col]);
            c->cells[c->col] = xstrdup(val);
            c->any = 1;
        }
        c->col++;
    } else if (!strcmp(l, "row") && c->in_row) {
        c->in_row = 0;
        if (c->any && c->fn(c->ctx, c->row, (const char *const *)c->cells)) {
            c->stopped = 1;
            XML_StopParser(c->x.p, XML_FALSE);
        }
        clear_cells(c);
    }
}

static void sh_text(void *ud, const char *s, int len)
{
    sheet_ctx *c = ud;
    if ((c->in_v || c->in_t) && c->text.len + (size_t)len <= MAX_CELL_BYTES)
        sb_add(&c->text, s, (size_t)len);
}

ls_error xr_read_sheet(xr_book *b, size_t i, xr_row_fn fn, void *ctx, strbuf *why)
{
    sheet_ctx c;
    ls_error err;
    size_t why_len = why->len;

    if (i >= b->nsheets || !b->parts[i]) {
        sb_addf(why, "sheet '%s' has no part", i < b->nsheets ? b->names[i] : "?");
        return LS_ERR_WORKBOOK;
    }
    memset(&c, 0, sizeof(c));
    c.b = b;
    c.fn = fn;
    c.ctx = ctx;
    c.x.why = why;
    c.x.p = new_parser(&c);
    XML_SetElementHandler(c.x.p, sh_start, sh_end);
    XML_SetCharacterDataHandler(c.x.p, sh_text);
    err = parse_part(b, b->parts[i], &c.x);
    if (c.stopped && !c.x.failed) { /* the caller had what it wanted */
        why->len = why_len;
        if (why->buf)
            why->buf[why_len] = '\0';
        err = LS_OK;
    }
    XML_ParserFree(c.x.p);
    clear_cells(&c);
    sb_release(&c.text);
    return err;
}

void xr_free(xr_book *b)
{
    if (!b)
        return;
    if (b->zip)
        zip_discard(b->zip);
    if (b->src)
        zip_source_free(b->src);
    for (size_t i = 0; i < b->nsheets; i++) {
        free(b->names[i]);
        if (b->parts)
            free(b->parts[i]);
    }
    free(b->names);
    free(b->parts);
    sb_release(&b->sst);
    free(b->sst_off);
    free(b);
}
