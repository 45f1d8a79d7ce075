/* report.c - the xlsx workbook, with libxlsxwriter. */
#include "report.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "labels.h"
#include "outfile.h"
#include "tmpl.h"
#include "xlsxtmp.h"
#include "zipdeflate.h"

#define MAX_WIDTH 60.0
#define EVIDENCE_WIDTH 60.0
#define MAX_CHARTS 8
/* Beyond this many localities the comparison turns: localities become
 * rows (sortable, filterable, 2,000 of them fit) and indicators columns;
 * charts across so many localities say nothing and are left out. */
#define COMPARE_WIDE 30
/* Column widths are estimated from the first rows; measuring every cell of
 * a 100k-row sheet costs more than it tells. */
#define WIDTH_SAMPLE_ROWS 2000
/* Past this many localities the comparison's cells carry neither comment
 * nor link: hundreds of thousands of comments make the workbook too heavy
 * to open, and the category sheets hold the same evidence. */
#define COMPARE_ANNOTATED 2000
/* Evidence lines in one comparison comment; the rest are counted. */
#define MAX_EVIDENCE 20
/* The last row a listing may take: Excel holds LXW_ROW_MAX rows, and the
 * footer below a listing needs three. Past it libxlsxwriter drops a row
 * without a word; the sheet says how many it left out instead. */
#define SHEET_LAST_ROW ((lxw_row_t)(LXW_ROW_MAX - 4))

/* libxlsxwriter's temporary files' buffers (xlsxtmp.h): 13 of them at most
 * are open at once, the sheets' and the one being packed */
#define XT_BUFFER ((size_t)256 << 10)

/* overview, comparison, six categories, sources, review, updates, notes */
#define SHEETS 12

/* A category sheet's rows: which article and figure each lists, in order. */
typedef struct {
    size_t art, fig;
} row_ref;

typedef struct {
    row_ref *v;
    size_t n, alloc;
    int capped; /* figures past --max-rows were left out */
} cat_rows;

typedef struct {
    const run_set *set;
    const report_options *opt;
    lxw_workbook *wb;
    const cmp_matrix *cmp;
    labels lbl;
    lxw_format *title, *head, *text, *wrap, *note, *dash, *link, *mark;
    lxw_format *num[QUAL_MAX][2]; /* [qualifier][integer?] */
    lxw_format *cellnum[CMP_RANGE][QUAL_MAX][2]; /* comparison cells: [mark][qualifier][integer?] */
    lxw_format *range, *group;
    /* row of each comparison row on its sheet, for the overview's charts */
    lxw_row_t *cmp_row_at;
    /* row of each figure on its category sheet: fig_row[article][figure] */
    lxw_row_t **fig_row;
    /* the counted articles grouped by locality, in comparison order */
    size_t *by_loc, nby_loc;
    /* the rows each category sheet lists, worked out before any is written */
    cat_rows rows[CAT_MAX];
    /* column widths measured so far, per sheet: sheets are written side by side */
    double width[SHEETS][32];
    char asof[32]; /* "截至2026-11-23": the newest article's date */
} report;

static const char *L(const report *r, const char *key)
{
    return labels_get(&r->lbl, key, r->opt->english);
}

/* A category's sheet name. */
static const char *CAT(const report *r, ls_category c)
{
    return labels_category(&r->lbl, c, r->opt->english);
}

static void free_report(report *r)
{
    labels_release(&r->lbl);
    free(r->by_loc);
    free(r->cmp_row_at);
    for (int c = 0; c < CAT_MAX; c++)
        free(r->rows[c].v);
    if (r->fig_row) {
        for (size_t i = 0; i < r->set->n; i++)
            free(r->fig_row[i]);
        free(r->fig_row);
    }
}

/* Column width for CJK text: a Han character is about two Latin ones. */
static double text_width(const char *s)
{
    double w = 0;
    for (size_t i = 0; s && s[i];) {
        int n;
        uint32_t cp = utf8_decode(s + i, &n);
        w += cp >= 0x2E80 ? 2.1 : 1.1;
        i += (size_t)n;
    }
    return w + 1.5;
}

static void fit(report *r, lxw_worksheet *ws, lxw_col_t col, const char *s, double cap)
{
    double w = text_width(s), *width = r->width[ws->index];
    if (col < 32 && w > width[col])
        width[col] = w > cap ? cap : w;
}

static void apply_widths(report *r, lxw_worksheet *ws, lxw_col_t ncols)
{
    const double *width = r->width[ws->index];
    for (lxw_col_t c = 0; c < ncols && c < 32; c++)
        worksheet_set_column(ws, c, c, width[c] < 6 ? 6 : width[c],
                             width[c] >= EVIDENCE_WIDTH ? r->wrap : NULL);
}

/* Write a string, never an empty one (1.1.4 writes a broken cell). */
static void put(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                lxw_format *fmt)
{
    if (!s || !*s)
        return;
    worksheet_write_string(ws, row, col, s, fmt);
    if (row < WIDTH_SAMPLE_ROWS)
        fit(r, ws, col, s, col == 0 ? 24 : MAX_WIDTH);
}

/* 1.1.4 cannot autofit and LibreOffice does not on load: give a row with
 * wrapped text in a column @p width wide the lines it needs. */
static void fit_row(lxw_worksheet *ws, lxw_row_t row, const char *s, double width)
{
    double lines = s ? text_width(s) / width : 1;
    int n = (int)lines + (lines > (int)lines);
    if (n > 1)
        worksheet_set_row(ws, row, 15.0 * (n > 12 ? 12 : n), NULL);
}

static void put_num(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v,
                    ls_qualifier q)
{
    char buf[48];
    int integer = v == (double)(long long)v;
    worksheet_write_number(ws, row, col, v, r->num[q][integer]);
    if (row < WIDTH_SAMPLE_ROWS) {
        format_decimal(v, buf, sizeof(buf));
        fit(r, ws, col, buf, 20);
    }
}

static void sheet_header(report *r, lxw_worksheet *ws, const char *title, const char *const *cols,
                         lxw_col_t ncols)
{
    worksheet_merge_range(ws, 0, 0, 0, ncols - 1, title, r->title);
    worksheet_set_row(ws, 0, 24, NULL);
    for (lxw_col_t c = 0; c < ncols; c++)
        put(r, ws, 1, c, L(r, cols[c]), r->head);
    worksheet_freeze_panes(ws, 2, 0);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 1);
}

static void sheet_footer(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t ncols,
                         const char *note)
{
    strbuf sb = STRBUF_INIT;
    if (note) {
        sb_addf(&sb, "%s%s", L(r, "note.note"), note);
        worksheet_merge_range(ws, row, 0, row, ncols - 1, sb.buf, r->note);
        row++;
        sb.len = 0;
    }
    sb_addf(&sb, "%s%zu%s (CSV: %s)", L(r, "note.source"), r->set->n, L(r, "note.articles"),
            "locstat --csv");
    worksheet_merge_range(ws, row, 0, row, ncols - 1, sb.buf, r->note);
    sb_release(&sb);
}

/* A listing that reached Excel's last row: say how many rows it left out. */
static void full_footer(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t ncols, size_t left)
{
    char *note = xstrfmt("%s %zu %s", L(r, "note.full"), left, L(r, "note.rows_left"));
    sheet_footer(r, ws, row + 1, ncols, note);
    free(note);
}

/* A listing capped at --max-rows of figures: say so, and (@p where, a
 * label key) where all are. */
static void capped_footer(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t ncols,
                          const char *where)
{
    char *note = xstrfmt("%s %zu %s", L(r, "note.capped"), r->opt->max_rows, L(r, where));
    sheet_footer(r, ws, row + 1, ncols, note);
    free(note);
}

static const char *loc_name(const report *r, const run_article *a)
{
    (void)r;
    return a->loc.name;
}

static void write_charts(report *r, lxw_worksheet *ws, lxw_row_t at);

static void write_overview(report *r, lxw_worksheet *ws)
{
    const run_set *set = r->set;
    const char *cols[] = { "col.locality", "col.code", "col.path", "col.articles",
                           "sheet.elderly", "sheet.children", "sheet.employment",
                           "sheet.health", "sheet.governance", "sheet.other", "col.total" };
    lxw_col_t nc = sizeof(cols) / sizeof(*cols);
    char *title = xstrfmt("%s (%zu%s, %zu%s, %s)", L(r, "title.overview"), set->nloc,
                          L(r, "note.localities"), set->n - set->failed, L(r, "note.articles"),
                          r->asof);
    lxw_row_t row = 2;

    sheet_header(r, ws, title, cols, nc);
    for (size_t i = 0; i < set->nloc; i++, row++) {
        const run_locality *l = &set->loc[i];
        size_t total = 0;
        put(r, ws, row, 0, l->name, NULL);
        put(r, ws, row, 1, l->code, NULL);
        put(r, ws, row, 2, l->path, NULL);
        put_num(r, ws, row, 3, (double)l->articles, QUAL_EXACT);
        for (int c = 0; c < CAT_MAX; c++) {
            put_num(r, ws, row, (lxw_col_t)(4 + c), (double)l->figures[c], QUAL_EXACT);
            total += l->figures[c];
        }
        put_num(r, ws, row, 10, (double)total, QUAL_EXACT);
    }
    if (set->nloc)
        worksheet_autofilter(ws, 1, 0, row - 1, nc - 1);
    apply_widths(r, ws, nc);
    sheet_footer(r, ws, row + 1, nc, NULL);

    write_charts(r, ws, row + 4);
    free(title);
}

/* The articles a locality counts (neither failed nor duplicates), by
 * locality and then in corpus order: a counting sort, so that a category
 * sheet is one pass however many localities there are. */
static size_t *group_by_locality(const run_set *set, size_t *n)
{
    size_t *start = xcalloc(set->nloc + 1, sizeof(*start));
    size_t *out = xcalloc(set->n + 1, sizeof(*out));
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].locality >= 0)
            start[set->v[i].locality + 1]++;
    for (size_t l = 0; l < set->nloc; l++)
        start[l + 1] += start[l];
    *n = 0;
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].locality >= 0) {
            out[start[set->v[i].locality]++] = i;
            (*n)++;
        }
    free(start);
    return out;
}

/* "类别、数值 (corrections.tsv:3)": which corrections applied, and where
 * they are written. */
static char *fixed_text(report *r, unsigned fixed, const char *where)
{
    strbuf sb = STRBUF_INIT;
    for (int k = 0; k < FIX_MAX; k++)
        if (fixed & (1u << k)) {
            char key[32]; /* fix. and the action's word in the file */
            snprintf(key, sizeof(key), "fix.%s", fix_name((fix_kind)k));
            sb_addf(&sb, "%s%s", sb.len ? "、" : "", L(r, key));
        }
    if (where)
        sb_addf(&sb, " (%s)", where);
    return sb_detach(&sb, NULL);
}

/* Where staff type corrections on a category sheet: 人工更正 from a list (排除
 * or a category), the value as a number, unit and indicator as text. */
static void correction_inputs(report *r, lxw_worksheet *ws, lxw_row_t last)
{
    const char *choices[CAT_MAX + 2];
    lxw_data_validation list, number;

    choices[0] = L(r, "fix.exclude");
    for (int c = 0; c < CAT_MAX; c++)
        choices[1 + c] = CAT(r, c);
    choices[CAT_MAX + 1] = NULL;
    memset(&list, 0, sizeof(list));
    list.validate = LXW_VALIDATION_TYPE_LIST;
    list.value_list = (char **)choices;
    list.input_title = (char *)L(r, "fix.help_title");
    list.input_message = (char *)L(r, "fix.help");
    worksheet_data_validation_range(ws, 2, 15, last, 15, &list);
    memset(&number, 0, sizeof(number));
    number.validate = LXW_VALIDATION_TYPE_DECIMAL;
    number.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    number.minimum_number = -1e15;
    number.maximum_number = 1e15;
    number.input_title = (char *)L(r, "col.fix_value");
    number.input_message = (char *)L(r, "fix.value_help");
    worksheet_data_validation_range(ws, 2, 16, last, 16, &number);
}

/* Which figures each category sheet lists, and on which row: by locality
 * (comparison order), then article and text order, up to --max-rows. Done
 * before any sheet is written, so that the comparison's links know their
 * rows while the category sheets are still being written. The figures of
 * each category an article has are counted first, in the order the
 * figures lie, so that the walk by locality, which jumps from article to
 * article, reads only those of articles a sheet still has room for: at a
 * million articles the sheets are full after a few percent of them, and
 * the rest may be pages of the store on disk (store.h). */
static void plan_rows(report *r)
{
    const run_set *set = r->set;
    uint32_t(*count)[CAT_MAX] = xcalloc(set->n + 1, sizeof(*count));
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->v[i].figs.n; k++)
            count[i][set->v[i].figs.v[k].category]++;
    for (size_t j = 0; j < r->nby_loc; j++) {
        size_t i = r->by_loc[j];
        const run_article *a = &set->v[i];
        int room = 0;
        for (int c = 0; c < CAT_MAX; c++)
            if (count[i][c] && r->rows[c].n < r->opt->max_rows)
                room = 1;
            else if (count[i][c])
                r->rows[c].capped = 1;
        if (!room)
            continue;
        for (size_t k = 0; k < a->figs.n; k++) {
            cat_rows *cr = &r->rows[a->figs.v[k].category];
            if (cr->n >= r->opt->max_rows) {
                cr->capped = 1;
                continue;
            }
            if (cr->n == cr->alloc) {
                cr->alloc = cr->alloc ? 2 * cr->alloc : 1024;
                cr->v = xrealloc(cr->v, cr->alloc * sizeof(*cr->v));
            }
            cr->v[cr->n].art = i;
            cr->v[cr->n].fig = k;
            r->fig_row[i][k] = (lxw_row_t)(2 + cr->n++);
        }
    }
    free(count);
}

static void write_category(report *r, lxw_worksheet *ws, ls_category cat)
{
    const run_set *set = r->set;
    const cat_rows *cr = &r->rows[cat];
    const char *cols[] = { "col.locality", "col.code", "col.indicator", "col.value",
                           "col.value_max", "col.unit", "col.qualifier", "col.period",
                           "col.status", "col.surface", "col.sentence", "col.article",
                           "col.offset", "col.place", "col.change", "col.correction",
                           "col.fix_value", "col.fix_unit", "col.fix_indicator", "col.occurrence",
                           "col.fixed" };
    lxw_col_t nc = sizeof(cols) / sizeof(*cols);
    char *title = xstrfmt("%s: %s", CAT(r, cat), L(r, "title.category"));
    const char *qual[QUAL_MAX], *status[STATUS_PLANNED + 1];
    const char *changed[CHANGE_CHANGED + 1] = { NULL };
    lxw_row_t row = 2;

    sheet_header(r, ws, title, cols, nc);
    /* the labels every row repeats, looked up once */
    for (int q = 0; q < QUAL_MAX; q++) {
        char key[32];
        snprintf(key, sizeof(key), "qual.%s", ls_qualifier_id((ls_qualifier)q));
        qual[q] = L(r, key);
    }
    for (int k = 0; k <= STATUS_PLANNED; k++) {
        char key[32];
        snprintf(key, sizeof(key), "status.%s", ls_status_id((ls_status)k));
        status[k] = L(r, key);
    }
    changed[CHANGE_NEW] = L(r, "change.new");
    changed[CHANGE_CHANGED] = L(r, "change.changed");
    for (size_t n = 0; n < cr->n; n++, row++) {
        const run_article *a = &set->v[cr->v[n].art];
        const ls_figure *f = &a->figs.v[cr->v[n].fig];
        put(r, ws, row, 0, loc_name(r, a), NULL);
        put(r, ws, row, 1, a->loc.code, NULL);
        put(r, ws, row, 2, f->indicator, NULL);
        put_num(r, ws, row, 3, f->value, f->qualifier);
        if (f->has_max)
            put_num(r, ws, row, 4, f->value_max, QUAL_EXACT);
        put(r, ws, row, 5, f->unit, NULL);
        if (f->qualifier != QUAL_EXACT)
            put(r, ws, row, 6, qual[f->qualifier], NULL);
        put(r, ws, row, 7, f->period, NULL);
        put(r, ws, row, 8, status[f->status], NULL);
        put(r, ws, row, 9, f->surface, NULL);
        put(r, ws, row, 10, f->sentence, r->wrap);
        fit_row(ws, row, f->sentence, EVIDENCE_WIDTH);
        put(r, ws, row, 11, a->name, NULL);
        put_num(r, ws, row, 12, (double)f->offset, QUAL_EXACT);
        put(r, ws, row, 13, f->place, NULL);
        if (f->change)
            put(r, ws, row, 14, changed[f->change], r->mark);
        put_num(r, ws, row, 19, (double)f->nth, QUAL_EXACT);
        if (f->fixed) {
            char *w = fixed_text(r, f->fixed, f->correction);
            put(r, ws, row, 20, w, NULL);
            free(w);
        }
    }
    if (row > 2) {
        worksheet_autofilter(ws, 1, 0, row - 1, nc - 1);
        correction_inputs(r, ws, row - 1);
    }
    apply_widths(r, ws, nc);
    if (cr->capped)
        capped_footer(r, ws, row, nc, "note.see_csv");
    else
        sheet_footer(r, ws, row + 1, nc, NULL);
    free(title);
}

static const char *const role_key[] = {
    "cmp.used", "cmp.repeat", "cmp.older", "cmp.smaller",
};
static const char *const level_key[] = {
    "", "level.province", "level.city", "level.county", "level.street", "level.community",
};
static const char *const group_key[CAT_MAX] = {
    "sheet.elderly", "sheet.children", "sheet.employment",
    "sheet.health", "sheet.governance", "group.general",
};
static const char *const rule_key[KIND_MAX] = {
    "rule.total", "rule.level", "rule.level", "rule.size", "rule.size", "rule.standard",
};

static const ind_def *row_def(const report *r, size_t row)
{
    return ind_get(r->cmp->rules, (size_t)r->cmp->rows[row].ind);
}

/* An indicator's name in the workbook's language: the catalogue's label
 * is Chinese; its id (elderly.meal_points) reads in English. */
static const char *ind_label(const report *r, const ind_def *d)
{
    return r->opt->english ? d->id : d->label;
}

static const char *col_level(const report *r, size_t col)
{
    const run_locality *l = &r->set->loc[r->cmp->cols[col]];
    size_t n = l->code ? strlen(l->code) : 0;
    int lv = n == 2 ? 1 : n == 4 ? 2 : n == 6 ? 3 : n == 9 ? 4 : n == 12 ? 5 : 0;
    return lv ? L(r, level_key[lv]) : "";
}

/* A cell's comment: how it combined its figures, each figure it used, and
 * those it left out and why. */
static char *cell_comment(const report *r, const cmp_cell *c)
{
    const cmp_matrix *m = r->cmp;
    strbuf sb = STRBUF_INIT;
    static const char *const mark_key[] = { NULL, "mark.sum", "mark.latest", "mark.range" };
    if (mark_key[c->mark])
        sb_addf(&sb, "%s: %s", L(r, mark_key[c->mark]), L(r, rule_key[row_def(r, c->row)->kind]));
    for (size_t i = 0; i < c->nref && i < MAX_EVIDENCE; i++) {
        const cmp_ref *x = &m->refs[c->ref + i];
        const run_article *a = &r->set->v[x->art];
        const ls_figure *f = &a->figs.v[x->fig];
        sb_addf(&sb, "%s[%s] %s: %s (%s)", sb.len ? "\n" : "", L(r, role_key[x->role]), f->surface,
                f->sentence, a->name);
    }
    if (c->nref > MAX_EVIDENCE)
        sb_addf(&sb, "\n… %zu %s", c->nref - MAX_EVIDENCE, L(r, "note.more"));
    return sb_detach(&sb, NULL);
}

static void put_cell(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const cmp_cell *c,
                     int annotated)
{
    const cmp_ref *first = &r->cmp->refs[c->ref];
    int integer = c->value == (double)(long long)c->value;
    if (annotated) {
        const ls_figure *f = &r->set->v[first->art].figs.v[first->fig];
        lxw_row_t target = r->fig_row[first->art][first->fig];
        if (target) {
            char *url = xstrfmt("internal:'%s'!A%u", CAT(r, f->category),
                                (unsigned)target + 1);
            worksheet_write_url(ws, row, col, url, r->link);
            free(url);
        }
    }
    /* the number replaces the link's text but keeps the link */
    if (c->has_max) {
        /* a range is two numbers: written as text, 3–5 */
        char lo[40], hi[40], *txt;
        format_decimal(c->value, lo, sizeof(lo));
        format_decimal(c->value_max, hi, sizeof(hi));
        txt = xstrfmt("%s–%s", lo, hi);
        worksheet_write_string(ws, row, col, txt, c->mark == CMP_RANGE ? r->range : NULL);
        if (row < WIDTH_SAMPLE_ROWS)
            fit(r, ws, col, txt, 24);
        free(txt);
    } else if (c->mark == CMP_ONE) {
        put_num(r, ws, row, col, c->value, c->q);
    } else {
        char buf[64];
        worksheet_write_number(ws, row, col, c->value, r->cellnum[c->mark][c->q][integer]);
        if (row < WIDTH_SAMPLE_ROWS) { /* the number as shown: 1,318余 (合计) */
            size_t n;
            format_decimal(c->value, buf, sizeof(buf));
            n = strlen(buf);
            snprintf(buf + n, sizeof(buf) - n, "%s (%s)", c->q != QUAL_EXACT ? "余" : "",
                     L(r, c->mark == CMP_SUM ? "mark.sum" : "mark.latest"));
            fit(r, ws, col, buf, 24);
        }
    }
    if (annotated) {
        char *text = cell_comment(r, c);
        lxw_comment_options co = { 0 };
        co.width = 420;
        co.height = (uint16_t)(60 + 30 * (c->nref > 8 ? 8 : c->nref));
        worksheet_write_comment_opt(ws, row, col, text, &co);
        free(text);
    }
}

/*
 * The comparison, rendered from the matrix (compare.h): indicators as
 * rows grouped by their category part, localities as columns by level and
 * code, each column showing its level. Past COMPARE_WIDE localities it
 * turns: localities are rows, indicators columns.
 */
static void write_compare(report *r, lxw_worksheet *ws)
{
    const cmp_matrix *m = r->cmp;
    const run_set *set = r->set;
    size_t nl = m->ncols, ni = m->nrows;
    char *title = xstrfmt("%s (%zu%s, %s)", L(r, "title.compare"), nl, L(r, "note.localities"),
                          r->asof);
    int wide = nl > COMPARE_WIDE;
    int annotated = nl <= COMPARE_ANNOTATED;
    lxw_col_t nc = (lxw_col_t)(3 + (wide ? ni : nl));
    lxw_row_t row = 4;

    worksheet_merge_range(ws, 0, 0, 0, nc - 1, title, r->title);
    worksheet_set_row(ws, 0, 24, NULL);
    /* constant_memory: every row is written whole, top to bottom */
    if (wide) {
        /* localities down; across, each indicator's label, unit and id */
        put(r, ws, 1, 0, L(r, "col.locality"), r->head);
        put(r, ws, 1, 1, L(r, "col.code"), r->head);
        put(r, ws, 1, 2, L(r, "col.level"), r->head);
        for (size_t i = 0; i < ni; i++)
            put(r, ws, 1, (lxw_col_t)(3 + i), ind_label(r, row_def(r, i)), r->head);
        put(r, ws, 2, 0, L(r, "col.unit"), r->head);
        for (size_t i = 0; i < ni; i++)
            put(r, ws, 2, (lxw_col_t)(3 + i), m->rows[i].unit, r->head);
        put(r, ws, 3, 0, L(r, "col.indicator_id"), r->head);
        for (size_t i = 0; i < ni; i++)
            put(r, ws, 3, (lxw_col_t)(3 + i), row_def(r, i)->id, r->head);
        worksheet_autofilter(ws, 3, 0, (lxw_row_t)(3 + nl), nc - 1);
    } else {
        /* indicators down; across, each locality's name, code and level */
        put(r, ws, 1, 0, L(r, "col.indicator"), r->head);
        put(r, ws, 1, 1, L(r, "col.unit"), r->head);
        put(r, ws, 1, 2, L(r, "col.indicator_id"), r->head);
        for (size_t l = 0; l < nl; l++)
            put(r, ws, 1, (lxw_col_t)(3 + l), set->loc[m->cols[l]].name, r->head);
        put(r, ws, 2, 0, L(r, "col.code"), r->head);
        for (size_t l = 0; l < nl; l++)
            put(r, ws, 2, (lxw_col_t)(3 + l), set->loc[m->cols[l]].code, r->head);
        put(r, ws, 3, 0, L(r, "col.level"), r->head);
        for (size_t l = 0; l < nl; l++)
            put(r, ws, 3, (lxw_col_t)(3 + l), col_level(r, l), r->head);
    }
    worksheet_freeze_panes(ws, 4, wide ? 3 : 2);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 3);
    worksheet_repeat_columns(ws, 0, 1);
    if (wide) {
        for (size_t l = 0; l < nl; l++, row++) {
            const run_locality *loc = &set->loc[m->cols[l]];
            put(r, ws, row, 0, loc->name, NULL);
            put(r, ws, row, 1, loc->code, NULL);
            put(r, ws, row, 2, col_level(r, l), NULL);
            for (size_t i = 0; i < ni; i++) {
                const cmp_cell *c = cmp_cell_at(m, i, l);
                if (c)
                    put_cell(r, ws, row, (lxw_col_t)(3 + i), c, annotated);
                else
                    worksheet_write_string(ws, row, (lxw_col_t)(3 + i), "—", r->dash);
            }
        }
    } else {
        int group = -1;
        for (size_t i = 0; i < ni; i++) {
            const ind_def *d = row_def(r, i);
            if ((int)d->cat != group) {
                group = (int)d->cat;
                worksheet_merge_range(ws, row, 0, row, nc - 1, L(r, group_key[group]), r->group);
                row++;
            }
            r->cmp_row_at[i] = row;
            put(r, ws, row, 0, ind_label(r, d), NULL);
            put(r, ws, row, 1, m->rows[i].unit, NULL);
            put(r, ws, row, 2, d->id, NULL);
            for (size_t l = 0; l < nl; l++) {
                const cmp_cell *c = cmp_cell_at(m, i, l);
                if (c)
                    put_cell(r, ws, row, (lxw_col_t)(3 + l), c, annotated);
                else
                    worksheet_write_string(ws, row, (lxw_col_t)(3 + l), "—", r->dash);
            }
            row++;
        }
    }
    apply_widths(r, ws, nc);
    {
        lxw_row_t frow = row + 1;
        char *note = xstrfmt("%s%s%s", L(r, "note.note"), L(r, "note.rows"),
                             annotated ? "" : L(r, "note.unannotated"));
        worksheet_merge_range(ws, frow, 0, frow, nc - 1, note, r->note);
        free(note);
        sheet_footer(r, ws, frow + 1, nc, NULL);
    }
    free(title);
}

/* Charts of the indicators that three or more localities report, on the
 * overview: how many figures an article gives is no measure of a place. */
static void write_charts(report *r, lxw_worksheet *ws, lxw_row_t at)
{
    const cmp_matrix *m = r->cmp;
    size_t ncharts = 0;
    if (m->ncols > COMPARE_WIDE)
        return;
    for (size_t i = 0; i < m->nrows && ncharts < MAX_CHARTS; i++) {
        size_t have = 0;
        const ind_def *d = row_def(r, i);
        lxw_chart *chart;
        lxw_chart_series *s;
        lxw_chart_options co = { 0 };
        const char *sheet = L(r, "sheet.compare");
        char *name;
        for (size_t l = 0; l < m->ncols; l++) {
            const cmp_cell *c = cmp_cell_at(m, i, l);
            have += c && c->mark != CMP_RANGE;
        }
        if (have < 3)
            continue;
        chart = workbook_add_chart(r->wb, LXW_CHART_COLUMN);
        s = chart_add_series(chart, NULL, NULL);
        name = xstrfmt("%s (%s)", ind_label(r, d), m->rows[i].unit);
        chart_series_set_categories(s, sheet, 1, 3, 1, (lxw_col_t)(2 + m->ncols));
        chart_series_set_values(s, sheet, r->cmp_row_at[i], 3, r->cmp_row_at[i],
                                (lxw_col_t)(2 + m->ncols));
        chart_title_set_name(chart, name);
        chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
        co.x_offset = ncharts % 2 ? 500 : 0; /* charts are 480 px wide */
        worksheet_insert_chart_opt(ws, (lxw_row_t)(at + 16 * (ncharts / 2)), 0, chart, &co);
        free(name);
        ncharts++;
    }
}

/* The text warnings of an article in the workbook's language, or NULL. */
static char *warnings_text(const report *r, const run_article *a)
{
    strbuf sb = STRBUF_INIT;
    if (a->truncated)
        sb_addf(&sb, "%s", L(r, "warn.truncated"));
    if (a->n_fffd)
        sb_addf(&sb, "%s%s %zu", sb.len ? "; " : "", L(r, "warn.fffd"), a->n_fffd);
    if (a->n_garbled)
        sb_addf(&sb, "%s%s %zu", sb.len ? "; " : "", L(r, "warn.garbled"), a->n_garbled);
    if (a->encoding && strstr(a->encoding, "no BOM"))
        sb_addf(&sb, "%s%s", sb.len ? "; " : "", L(r, "warn.guessed"));
    if (a->duplicate_of)
        sb_addf(&sb, "%s%s %s", sb.len ? "; " : "", L(r, "warn.duplicate"), a->duplicate_of);
    return sb.len ? sb_detach(&sb, NULL) : (sb_release(&sb), NULL);
}

/* Why an article could not be read, in the workbook's language; the
 * message on stderr names the file and the detail. */
static const char *error_text(report *r, const run_article *a)
{
    static const char *const error_key[LS_ERR_MAX] = {
        [LS_ERR_IO] = "error.io",         [LS_ERR_EMPTY] = "error.empty",
        [LS_ERR_BINARY] = "error.binary", [LS_ERR_ENCODING] = "error.encoding",
        [LS_ERR_TOO_LARGE] = "error.too_large",
    };
    const char *key = (unsigned)a->err < LS_ERR_MAX ? error_key[a->err] : NULL;
    if (r->opt->english)
        return a->why;
    return L(r, key ? key : "error.other");
}

static void put_time(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, long long t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0)
        return;
    localtime_r(&tt, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    put(r, ws, row, col, buf, NULL);
}

static void write_sources(report *r, lxw_worksheet *ws)
{
    const run_set *set = r->set;
    const char *cols[] = { "col.article", "col.title", "col.source", "col.reporter",
                           "col.date", "col.locality", "col.code", "col.path",
                           "col.encoding", "col.traditional", "col.chars", "col.figures",
                           "col.warnings", "col.change", "col.first_seen", "col.last_changed" };
    lxw_col_t nc = sizeof(cols) / sizeof(*cols);
    lxw_row_t row = 2;

    sheet_header(r, ws, L(r, "title.sources"), cols, nc);
    for (size_t i = 0; i < set->n; i++, row++) {
        const run_article *a = &set->v[i];
        if (row > SHEET_LAST_ROW) {
            full_footer(r, ws, row, nc, set->n - i);
            break;
        }
        put(r, ws, row, 0, a->name, NULL);
        if (a->err) {
            put(r, ws, row, 12, error_text(r, a), NULL);
            continue;
        }
        put(r, ws, row, 1, a->title, NULL);
        put(r, ws, row, 2, a->source, NULL);
        put(r, ws, row, 3, a->reporter, NULL);
        put(r, ws, row, 4, a->date, NULL);
        put(r, ws, row, 5, a->loc.name, NULL);
        put(r, ws, row, 6, a->loc.code, NULL);
        put(r, ws, row, 7, a->loc.path, NULL);
        put(r, ws, row, 8, a->encoding, NULL);
        if (a->traditional)
            put(r, ws, row, 9, L(r, "yes"), NULL);
        put_num(r, ws, row, 10, (double)a->chars, QUAL_EXACT);
        put_num(r, ws, row, 11, (double)a->figs.n, QUAL_EXACT);
        {
            char *w = warnings_text(r, a);
            put(r, ws, row, 12, w, NULL);
            free(w);
        }
        if (a->change)
            put(r, ws, row, 13, L(r, a->change == CHANGE_NEW ? "change.new" : "change.changed"),
                r->mark);
        put_time(r, ws, row, 14, a->first_seen);
        put_time(r, ws, row, 15, a->last_changed);
    }
    if (row > 2)
        worksheet_autofilter(ws, 1, 0, row - 1, nc - 1);
    apply_widths(r, ws, nc);
}

static void review_row(report *r, lxw_worksheet *ws, lxw_row_t *row, const char *kind,
                       const char *article, const char *item, const char *detail)
{
    if (*row > SHEET_LAST_ROW) { /* counted, for the footer */
        (*row)++;
        return;
    }
    put(r, ws, *row, 0, L(r, kind), NULL);
    put(r, ws, *row, 1, article, NULL);
    put(r, ws, *row, 2, item, NULL);
    put(r, ws, *row, 3, detail, r->wrap);
    fit_row(ws, *row, detail, EVIDENCE_WIDTH);
    (*row)++;
}

/* 更正地区 on a review row: a list of the candidates ("渤海街道 211103003"),
 * as many as Excel's 255 characters hold, else a typed code or name. */
static void place_input(report *r, lxw_worksheet *ws, lxw_row_t row, const loc_result *loc)
{
    lxw_data_validation dv;
    const char *items[LOC_MAX_CANDIDATES + 1];
    size_t n = 0, total = 0;

    memset(&dv, 0, sizeof(dv));
    for (size_t i = 0; i < loc->nchoices && total + strlen(loc->choices[i]) + 1 <= 250; i++) {
        items[n++] = loc->choices[i];
        total += strlen(loc->choices[i]) + 1;
    }
    items[n] = NULL;
    if (n) {
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = (char **)items;
        /* a code or name typed in is accepted too */
        dv.show_error = LXW_VALIDATION_OFF;
    } else {
        dv.validate = LXW_VALIDATION_TYPE_ANY;
    }
    dv.input_title = (char *)L(r, "col.fix_place");
    dv.input_message = (char *)L(r, "fix.place_help");
    worksheet_data_validation_cell(ws, row, 4, &dv);
}

static void write_review(report *r, lxw_worksheet *ws)
{
    const run_set *set = r->set;
    const char *cols[] = { "col.kind", "col.article", "col.item", "col.detail", "col.fix_place" };
    lxw_row_t row = 2;
    size_t others = 0;

    sheet_header(r, ws, L(r, "title.review"), cols, 5);
    if (r->opt->notices)
        for (size_t i = 0; r->opt->notices[i].key; i++)
            review_row(r, ws, &row, r->opt->notices[i].key, NULL, r->opt->notices[i].text, NULL);
    /* staff's own corrections that did nothing come first: however long
     * the sheet, they are on it */
    if (r->opt->fixes) {
        const corrections *c = r->opt->fixes;
        for (size_t i = 0; i < c->n; i++) {
            const correction *x = &c->v[i];
            char *item, *where;
            if (x->applied)
                continue;
            item = xstrfmt("%s #%d", x->surface, x->occurrence);
            where = xstrfmt("%s:%d", c->path, x->line);
            review_row(r, ws, &row, "review.correction", x->article, item, where);
            free(item);
            free(where);
        }
        for (size_t i = 0; i < c->nbad; i++)
            review_row(r, ws, &row, "review.badcorrection", NULL, c->bad[i], NULL);
    }
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        if (a->err) {
            review_row(r, ws, &row, "review.failed", a->name, error_text(r, a),
                       r->opt->english ? a->why : a->path);
            continue;
        }
        if (!a->loc.found) {
            if (row <= SHEET_LAST_ROW)
                place_input(r, ws, row, &a->loc);
            review_row(r, ws, &row, a->loc.candidates ? "review.ambiguous" : "review.locality",
                       a->name, a->title, a->loc.candidates);
        }
        {
            char *w = warnings_text(r, a);
            if (w)
                review_row(r, ws, &row, "review.warning", a->name, w, a->garbled_sample);
            free(w);
        }
    }
    /* figures no category took, which the other sheet lists too: as many
     * as a category sheet lists */
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        for (size_t k = 0; k < a->figs.n && !a->err; k++) {
            const ls_figure *f = &a->figs.v[k];
            if (f->category != CAT_OTHER || others++ >= r->opt->max_rows)
                continue;
            review_row(r, ws, &row, "review.other", a->name, f->surface, f->sentence);
        }
    }
    if (row > 2)
        worksheet_autofilter(ws, 1, 0, (row > SHEET_LAST_ROW ? SHEET_LAST_ROW + 1 : row) - 1, 4);
    r->width[ws->index][3] = EVIDENCE_WIDTH;
    apply_widths(r, ws, 4);
    if (row > SHEET_LAST_ROW + 1)
        full_footer(r, ws, SHEET_LAST_ROW + 1, 5, row - (SHEET_LAST_ROW + 1));
    else if (others > r->opt->max_rows)
        capped_footer(r, ws, row, 5, "note.see_csv");
}

/* What is new, changed and removed since the previous run. */
static void write_updates(report *r, lxw_worksheet *ws)
{
    const run_set *set = r->set;
    const char *cols[] = { "col.change", "col.article", "col.item", "col.detail" };
    lxw_row_t row = 2;
    size_t arts = 0, figs = 0;
    char when[32] = "";
    char *title;

    if (set->generation_time > 0) {
        time_t t = (time_t)set->generation_time;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
    }
    title = xstrfmt("%s (%s%s)", L(r, "title.updates"), L(r, "note.since"), when);
    sheet_header(r, ws, title, cols, 4);
    /* new and changed articles, as many as figures are listed (a first
     * run's are all of them; the sources sheet marks every one) */
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        size_t nf = 0;
        char *item;
        if (a->err || !a->change || arts++ >= r->opt->max_rows)
            continue;
        if (row > SHEET_LAST_ROW) { /* counted, for the footer */
            row++;
            continue;
        }
        for (size_t k = 0; k < a->figs.n; k++)
            nf += a->figs.v[k].change != CHANGE_NONE;
        item = xstrfmt("%s %s", a->loc.name, a->title ? a->title : "");
        put(r, ws, row, 0, L(r, a->change == CHANGE_NEW ? "change.new" : "change.changed"), r->mark);
        put(r, ws, row, 1, a->name, NULL);
        put(r, ws, row, 2, item, NULL);
        {
            char *d = xstrfmt("%zu %s", nf, L(r, "note.figures_marked"));
            put(r, ws, row, 3, d, NULL);
            free(d);
        }
        free(item);
        row++;
    }
    for (size_t i = 0; i < set->nremoved; i++, row++) {
        if (row > SHEET_LAST_ROW)
            continue;
        put(r, ws, row, 0, L(r, "change.removed"), r->mark);
        put(r, ws, row, 1, set->removed[i], NULL);
    }
    /* figures changed in articles that did not (templates or corrections):
     * a changed template can change most of them, so as many as a category
     * sheet lists; the category sheets mark them all */
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        if (a->err || a->change)
            continue;
        for (size_t k = 0; k < a->figs.n; k++) {
            const ls_figure *f = &a->figs.v[k];
            if (!f->change || figs++ >= r->opt->max_rows)
                continue;
            if (row > SHEET_LAST_ROW) {
                row++;
                continue;
            }
            put(r, ws, row, 0, L(r, f->change == CHANGE_NEW ? "change.new" : "change.changed"), r->mark);
            put(r, ws, row, 1, a->name, NULL);
            put(r, ws, row, 2, f->surface, NULL);
            put(r, ws, row, 3, f->correction ? f->correction : f->indicator, NULL);
            row++;
        }
    }
    if (row > 2)
        worksheet_autofilter(ws, 1, 0, (row > SHEET_LAST_ROW ? SHEET_LAST_ROW + 1 : row) - 1, 3);
    apply_widths(r, ws, 4);
    if (row > SHEET_LAST_ROW + 1)
        full_footer(r, ws, SHEET_LAST_ROW + 1, 4, row - (SHEET_LAST_ROW + 1));
    else if (arts > r->opt->max_rows || figs > r->opt->max_rows)
        capped_footer(r, ws, row, 4, "note.see_marks");
    free(title);
}

static void write_notes(report *r, lxw_worksheet *ws)
{
    lxw_row_t row = 2;
    const char *notes[] = { "note.method", "note.rows", "note.dash", "note.qualifier" };
    worksheet_merge_range(ws, 0, 0, 0, 3, L(r, "title.notes"), r->title);
    for (size_t i = 0; i < sizeof(notes) / sizeof(*notes); i++) {
        fit_row(ws, row, L(r, notes[i]), MAX_WIDTH);
        put(r, ws, row++, 0, L(r, notes[i]), r->wrap);
    }
    row++;
    put(r, ws, row++, 0, L(r, "title.compare_rules"), r->head);
    for (int k = 1; k <= 8; k++) {
        char key[16];
        snprintf(key, sizeof(key), "rule.%d", k);
        fit_row(ws, row, L(r, key), MAX_WIDTH);
        put(r, ws, row++, 0, L(r, key), r->wrap);
    }
    row++;
    put(r, ws, row++, 0, L(r, "note.categories"), r->head);
    for (int c = 0; c < CAT_MAX; c++, row++) {
        put(r, ws, row, 0, CAT(r, c), NULL);
        put(r, ws, row, 1, ls_category_id((ls_category)c), NULL);
    }
    row++;
    /* the catalogue: every row the comparison may have, and how it counts */
    put(r, ws, row++, 0, L(r, "title.catalogue"), r->head);
    put(r, ws, row, 0, L(r, "col.indicator"), r->head);
    put(r, ws, row, 1, L(r, "col.indicator_id"), r->head);
    put(r, ws, row, 2, L(r, "col.kind_rule"), r->head);
    put(r, ws, row++, 3, L(r, "col.unit"), r->head);
    for (size_t i = 0; i < ind_count(r->cmp->rules); i++, row++) {
        const ind_def *d = ind_get(r->cmp->rules, i);
        char key[32];
        strbuf units = STRBUF_INIT;
        snprintf(key, sizeof(key), "kind.%s", ind_kind_id(d->kind));
        for (size_t k = 0; k < d->nunits; k++)
            sb_addf(&units, "%s%s", k ? "、" : "", d->units[k]);
        put(r, ws, row, 0, ind_label(r, d), NULL);
        put(r, ws, row, 1, d->id, NULL);
        put(r, ws, row, 2, L(r, key), NULL);
        put(r, ws, row, 3, units.buf, NULL);
        sb_release(&units);
    }
    row++;
    put(r, ws, row, 0, L(r, "note.generated"), r->head);
    put(r, ws, row, 1, "locstat " LOCSTAT_VERSION, NULL);
    row++;
    put(r, ws, row, 0, L(r, "note.range"), r->head);
    put(r, ws, row, 1, r->asof, NULL);
    r->width[ws->index][0] = MAX_WIDTH;
    apply_widths(r, ws, 4);
}

static void make_formats(report *r)
{
    static const char *const pre[QUAL_MAX] = { "", "", "\"约\"", "\"近\"" };
    static const char *const post[QUAL_MAX] = { "", "\"余\"", "", "" };
    static const char *const pre_en[QUAL_MAX] = { "", "", "\"~\"", "\"<\"" };
    static const char *const post_en[QUAL_MAX] = { "", "\"+\"", "", "" };

    r->title = workbook_add_format(r->wb);
    format_set_bold(r->title);
    format_set_font_size(r->title, 14);
    r->head = workbook_add_format(r->wb);
    format_set_bold(r->head);
    format_set_bg_color(r->head, 0xDDEBF7);
    format_set_border(r->head, LXW_BORDER_THIN);
    format_set_text_wrap(r->head);
    r->wrap = workbook_add_format(r->wb);
    format_set_text_wrap(r->wrap);
    format_set_align(r->wrap, LXW_ALIGN_VERTICAL_TOP);
    r->note = workbook_add_format(r->wb);
    format_set_italic(r->note);
    format_set_font_color(r->note, 0x595959);
    r->dash = workbook_add_format(r->wb);
    format_set_align(r->dash, LXW_ALIGN_CENTER);
    format_set_font_color(r->dash, 0x808080);
    r->mark = workbook_add_format(r->wb);
    format_set_bold(r->mark);
    format_set_font_color(r->mark, 0xC00000);
    r->link = workbook_add_format(r->wb);
    format_set_font_color(r->link, LXW_COLOR_BLUE);
    format_set_underline(r->link, LXW_UNDERLINE_SINGLE);
    for (int q = 0; q < QUAL_MAX; q++)
        for (int integer = 0; integer < 2; integer++) {
            char buf[64];
            snprintf(buf, sizeof(buf), "%s%s%s", r->opt->english ? pre_en[q] : pre[q],
                     integer ? "#,##0" : "#,##0.0##", r->opt->english ? post_en[q] : post[q]);
            r->num[q][integer] = workbook_add_format(r->wb);
            format_set_num_format(r->num[q][integer], buf);
            /* a cell that added or chose among figures says so */
            for (int mk = CMP_SUM; mk < CMP_RANGE; mk++) {
                char *f = xstrfmt("%s%s%s\" (%s)\"", r->opt->english ? pre_en[q] : pre[q],
                                  integer ? "#,##0" : "#,##0.0##", r->opt->english ? post_en[q] : post[q],
                                  L(r, mk == CMP_SUM ? "mark.sum" : "mark.latest"));
                r->cellnum[mk][q][integer] = workbook_add_format(r->wb);
                format_set_num_format(r->cellnum[mk][q][integer], f);
                format_set_bg_color(r->cellnum[mk][q][integer], 0xFFF2CC);
                free(f);
            }
        }
    r->range = workbook_add_format(r->wb);
    format_set_align(r->range, LXW_ALIGN_RIGHT);
    format_set_bg_color(r->range, 0xFFF2CC);
    r->group = workbook_add_format(r->wb);
    format_set_bold(r->group);
    format_set_bg_color(r->group, 0xF2F2F2);
}

/* Give every format its style index now, in the order they were made.
 * libxlsxwriter assigns it at a format's first use and adds it to the
 * workbook's table then: done here, the sheets written side by side only
 * read the table, and the indexes do not depend on which sheet came first.
 * The default link format is left out: the sheets never use it. */
static void index_formats(lxw_workbook *wb)
{
    lxw_format *f;
    STAILQ_FOREACH(f, wb->formats, list_pointers)
        if (f != wb->default_url_format)
            lxw_format_get_xf_index(f);
}

/* The sheets to write, as tasks: a category sheet each, the comparison and
 * then the overview (its charts point at the comparison's rows), and the
 * four small sheets. The largest go first, so that threads end together. */
enum { TASK_COMPARE = CAT_MAX, TASK_SOURCES, TASK_REVIEW, TASK_UPDATES, TASK_NOTES, TASKS };

typedef struct {
    report *r;
    lxw_worksheet **sheets;
    int order[TASKS];
    size_t next;
    pthread_mutex_t lock;
} sheet_queue;

static void run_task(report *r, lxw_worksheet **sheets, int t)
{
    switch (t) {
    case TASK_COMPARE:
        write_compare(r, sheets[1]);
        write_overview(r, sheets[0]);
        break;
    case TASK_SOURCES:
        write_sources(r, sheets[8]);
        break;
    case TASK_REVIEW:
        write_review(r, sheets[9]);
        break;
    case TASK_UPDATES:
        write_updates(r, sheets[10]);
        break;
    case TASK_NOTES:
        write_notes(r, sheets[11]);
        break;
    default:
        write_category(r, sheets[2 + t], (ls_category)t);
    }
}

static void *sheet_worker(void *arg)
{
    sheet_queue *q = arg;
    for (;;) {
        size_t t;
        pthread_mutex_lock(&q->lock);
        t = q->next++;
        pthread_mutex_unlock(&q->lock);
        if (t >= TASKS)
            return NULL;
        run_task(q->r, q->sheets, q->order[t]);
    }
}

/*
 * Write every sheet, on up to opt->jobs threads. With constant_memory each
 * worksheet writes its rows to a file of its own, and a sheet's writer
 * touches only its worksheet, the row plan and the comparison, which
 * nothing changes by then; the formats are indexed beforehand. So the
 * sheets are the same bytes whichever thread wrote them, and when.
 */
static void write_sheets(report *r, lxw_worksheet **sheets)
{
    sheet_queue q = { .r = r, .sheets = sheets };
    pthread_t tid[TASKS];
    int nt = 0, want = r->opt->jobs < 1 ? 0 : r->opt->jobs - 1;

    for (int t = 0; t < TASKS; t++)
        q.order[t] = t;
    /* category sheets by the rows they list, most first (insertion sort:
     * six of them, stable, so that ties keep the category order) */
    for (int i = 1; i < CAT_MAX; i++)
        for (int j = i; j > 0 && r->rows[q.order[j]].n > r->rows[q.order[j - 1]].n; j--) {
            int x = q.order[j];
            q.order[j] = q.order[j - 1];
            q.order[j - 1] = x;
        }
    pthread_mutex_init(&q.lock, NULL);
    while (nt < want && nt < TASKS - 1 && !pthread_create(&tid[nt], NULL, sheet_worker, &q))
        nt++;
    sheet_worker(&q);
    while (nt > 0)
        pthread_join(tid[--nt], NULL);
    pthread_mutex_destroy(&q.lock);
}

ls_error report_write(const run_set *set, const cmp_matrix *cmp, const char *tdir,
                      const char *path, const report_options *opt)
{
    report r;
    outfile of;
    lxw_workbook_options wo = { .constant_memory = 1 };
    lxw_doc_properties props = { 0 };
    lxw_worksheet *sheets[SHEETS];
    lxw_error lerr;
    ls_error err;
    strbuf subject = STRBUF_INIT;

    memset(&r, 0, sizeof(r));
    r.set = set;
    r.opt = opt;
    r.cmp = cmp;
    if ((err = labels_load(&r.lbl, tdir))) {
        free_report(&r);
        return err;
    }
    {
        struct tm tm;
        char day[16];
        gmtime_r(&opt->created, &tm);
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        snprintf(r.asof, sizeof(r.asof), "%s%s", L(&r, "note.asof"), day);
    }
    r.by_loc = group_by_locality(set, &r.nby_loc);
    r.cmp_row_at = xcalloc(cmp->nrows + 1, sizeof(*r.cmp_row_at));
    r.fig_row = xcalloc(set->n + 1, sizeof(*r.fig_row));
    for (size_t i = 0; i < set->n; i++)
        r.fig_row[i] = xcalloc(set->v[i].figs.n + 1, sizeof(lxw_row_t));

    if ((err = outfile_open(&of, path, 0))) {
        free_report(&r);
        return err;
    }
    /* its temporary files in pieces of 256 KiB, not 4 */
    xt_begin(XT_BUFFER);
    r.wb = workbook_new_opt(of.tmp, &wo);
    if (!r.wb) {
        error("cannot write '%s': libxlsxwriter could not create the workbook", path);
        xt_end();
        outfile_abort(&of);
        free_report(&r);
        return LS_ERR_XLSX;
    }
    make_formats(&r);
    {
        const char *keys[] = { "sheet.overview", "sheet.compare", "sheet.elderly",
                               "sheet.children", "sheet.employment", "sheet.health",
                               "sheet.governance", "sheet.other", "sheet.sources",
                               "sheet.review", "sheet.updates", "sheet.notes" };
        for (int i = 0; i < SHEETS; i++)
            sheets[i] = workbook_add_worksheet(r.wb, L(&r, keys[i]));
    }
    index_formats(r.wb);
    plan_rows(&r);
    write_sheets(&r, sheets);

    for (size_t i = 0; i < set->nloc && i < 8; i++)
        sb_addf(&subject, "%s%s", i ? "、" : "", set->loc[i].name);
    if (set->nloc > 8)
        sb_addstr(&subject, "…");
    props.title = (char *)L(&r, "title.compare");
    props.subject = subject.buf ? subject.buf : (char *)"-";
    props.author = (char *)"locstat";
    props.comments = (char *)"locstat " LOCSTAT_VERSION;
    props.created = opt->created;
    workbook_set_properties(r.wb, &props);

    /* the parts are deflated on threads while libxlsxwriter reads them */
    zd_begin(opt->jobs > 1 ? opt->jobs : 0);
    lerr = workbook_close(r.wb);
    zd_end();
    xt_end();
    sb_release(&subject);
    free_report(&r);
    if (lerr != LXW_NO_ERROR) {
        error("cannot write '%s': %s", path, lxw_strerror(lerr));
        outfile_abort(&of);
        return LS_ERR_XLSX;
    }
    return outfile_commit(&of);
}
