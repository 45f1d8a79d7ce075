/* harvest.c - corrections from the workbook staff saved. */
#include "harvest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsxread.h"

/* the rows a header may stand in: a title row comes first */
#define HEADER_ROWS 5

enum { COL_ARTICLE, COL_SURFACE, COL_OCCURRENCE, COL_CORRECTION, COL_VALUE, COL_UNIT,
       COL_INDICATOR, COL_PLACE, NCOLS };

static const char *const col_key[NCOLS] = {
    "col.article", "col.surface", "col.occurrence", "col.correction",
    "col.fix_value", "col.fix_unit", "col.fix_indicator", "col.fix_place",
};

typedef struct {
    corrections *c;
    const labels *l;
    const char *path, *sheet;
    ls_category own;  /* the category a sheet lists, or CAT_MAX */
    int col[NCOLS];   /* each column's index, or -1 */
    int header;       /* the header row was found */
    int added;
} sheet_state;

static void add(sheet_state *s, unsigned row, char **f, int nf)
{
    strbuf why = STRBUF_INIT;
    int rc = corrections_add(s->c, f, nf, &why);
    if (rc > 0)
        s->added++;
    else if (rc < 0)
        warning("%s: sheet '%s' row %u: %s", s->path, s->sheet, row, why.buf);
    sb_release(&why);
}

/* A category named by its sheet's label (养老服务) or its id (elderly). */
static ls_category category_named(const labels *l, const char *s)
{
    ls_category c = labels_category_named(l, s);
    return c != CAT_MAX ? c : ls_category_parse(s);
}

/* "27,300" or " 27300 " as a plain number; NULL when it is none. */
static char *plain_number(const char *s)
{
    strbuf sb = STRBUF_INIT;
    char *end;
    for (; *s; s++)
        if (*s != ',' && *s != ' ')
            sb_addch(&sb, *s);
    if (!sb.len || (strtod(sb.buf, &end), *end)) {
        sb_release(&sb);
        return NULL;
    }
    return sb_detach(&sb, NULL);
}

static const char *cell(const sheet_state *s, const char *const *cells, int k)
{
    return s->col[k] >= 0 ? cells[s->col[k]] : NULL;
}

static int on_row(void *ctx, unsigned row, const char *const *cells)
{
    sheet_state *s = ctx;
    const char *article, *surface, *occ, *v;
    char nth[24];

    if (!s->header) {
        int found = 0;
        for (int k = 0; k < NCOLS; k++)
            s->col[k] = -1;
        for (int i = 0; i < XR_MAX_COLS; i++)
            for (int k = 0; k < NCOLS; k++)
                if (cells[i] && s->col[k] < 0 && labels_is(s->l, col_key[k], cells[i]))
                    s->col[k] = i, found++;
        /* a figure sheet names its figures; the review sheet its articles */
        if (s->col[COL_ARTICLE] >= 0 &&
            ((s->col[COL_SURFACE] >= 0 && s->col[COL_OCCURRENCE] >= 0) || s->col[COL_PLACE] >= 0))
            s->header = 1;
        return !s->header && row >= HEADER_ROWS; /* not a sheet staff correct on */
    }
    article = cell(s, cells, COL_ARTICLE);
    if (!article)
        return 0;
    if ((v = cell(s, cells, COL_PLACE))) {
        char *f[3] = { "place", (char *)article, (char *)v };
        add(s, row, f, 3);
    }
    surface = cell(s, cells, COL_SURFACE);
    occ = cell(s, cells, COL_OCCURRENCE);
    if (!surface || !occ)
        return 0;
    snprintf(nth, sizeof(nth), "%ld", strtol(occ, NULL, 10));
    if ((v = cell(s, cells, COL_CORRECTION))) {
        ls_category cat;
        if (labels_is(s->l, "fix.exclude", v)) {
            char *f[4] = { "exclude", (char *)article, (char *)surface, nth };
            add(s, row, f, 4);
        } else if ((cat = category_named(s->l, v)) != CAT_MAX) {
            if (cat != s->own) {
                char *f[5] = { "category", (char *)article, (char *)surface, nth,
                               (char *)ls_category_id(cat) };
                add(s, row, f, 5);
            }
        } else {
            warning("%s: sheet '%s' row %u: '%s' is neither %s nor a category", s->path, s->sheet,
                    row, v, labels_get(s->l, "fix.exclude", 0));
        }
    }
    if ((v = cell(s, cells, COL_VALUE))) {
        char *num = plain_number(v);
        if (num) {
            char *f[5] = { "value", (char *)article, (char *)surface, nth, num };
            add(s, row, f, 5);
            free(num);
        } else {
            warning("%s: sheet '%s' row %u: value '%s' is not a number", s->path, s->sheet, row, v);
        }
    }
    if ((v = cell(s, cells, COL_UNIT))) {
        char *f[5] = { "unit", (char *)article, (char *)surface, nth, (char *)v };
        add(s, row, f, 5);
    }
    if ((v = cell(s, cells, COL_INDICATOR))) {
        char *f[5] = { "indicator", (char *)article, (char *)surface, nth, (char *)v };
        add(s, row, f, 5);
    }
    return 0;
}

int harvest_workbook(corrections *c, const char *path, const labels *l, char **problem)
{
    xr_book *b;
    strbuf why = STRBUF_INIT;
    int added = 0, ours = 0, rc = -1;

    *problem = NULL;
    if (xr_open(&b, path, NULL, 0, &why))
        goto fail;
    for (size_t i = 0; i < xr_sheet_count(b); i++) {
        sheet_state s;
        memset(&s, 0, sizeof(s));
        s.c = c;
        s.l = l;
        s.path = path;
        s.sheet = xr_sheet_name(b, i);
        s.own = labels_category_named(l, s.sheet);
        if (xr_read_sheet(b, i, on_row, &s, &why)) {
            xr_free(b);
            goto fail;
        }
        ours |= s.header;
        added += s.added;
    }
    xr_free(b);
    if (!ours) {
        sb_addstr(&why, "not a locstat workbook (no sheet has its correction columns)");
        rc = -2;
        goto fail;
    }
    sb_release(&why);
    return added;
fail:
    *problem = xstrfmt("%s: %s", path, why.buf);
    error("cannot read corrections from '%s': %s; the run goes on with the corrections file alone",
          path, why.buf);
    sb_release(&why);
    return rc;
}
