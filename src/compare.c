/* compare.c - the comparison matrix from the run's figures and the catalogue. */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* An eligible figure, on its way to a cell, with what it states copied
 * out of it: a cell's figures come from articles all over the run, and
 * reading each again where it lies (a page of the store each, at a
 * million articles, store.h) costs more than carrying it here. */
typedef struct {
    double value, value_max;
    uint32_t col;
    uint32_t art, fig;
    int32_t ind;
    uint16_t unit;  /* the figure's unit (units.v) */
    uint16_t shown; /* the unit its row shows: its class's, or its own (units.v) */
    uint16_t rank;  /* the unit class's place among the row's units */
    uint8_t qualifier, has_max;
} entry;

/* The units of a build, each once, so that entries carry a number: a few
 * dozen names for millions of figures. */
typedef struct {
    char **v;
    size_t n, alloc;
    uint32_t *slot; /* open addressing: 1 + index into v, or 0 */
    size_t mask;
} unit_names;

static size_t name_hash(const char *s)
{
    return (size_t)XXH3_64bits(s, strlen(s));
}

static uint16_t unit_id(unit_names *u, const char *name)
{
    size_t k;
    if ((u->n + 1) * 2 > u->mask + 1) { /* keep the table half empty */
        size_t size = u->mask ? (u->mask + 1) * 2 : 64;
        free(u->slot);
        u->slot = xcalloc(size, sizeof(*u->slot));
        u->mask = size - 1;
        for (size_t i = 0; i < u->n; i++) {
            for (k = name_hash(u->v[i]) & u->mask; u->slot[k]; k = (k + 1) & u->mask)
                ;
            u->slot[k] = (uint32_t)i + 1;
        }
    }
    for (k = name_hash(name) & u->mask; u->slot[k]; k = (k + 1) & u->mask)
        if (!strcmp(u->v[u->slot[k] - 1], name))
            return (uint16_t)(u->slot[k] - 1);
    if (u->n > UINT16_MAX)
        die("more than %u different units", (unsigned)UINT16_MAX + 1);
    ALLOC_GROW(u->v, u->n + 1, u->alloc);
    u->v[u->n] = xstrdup(name);
    u->slot[k] = (uint32_t)++u->n;
    return (uint16_t)(u->n - 1);
}

static void unit_names_release(unit_names *u)
{
    for (size_t i = 0; i < u->n; i++)
        free(u->v[i]);
    free(u->v);
    free(u->slot);
}

const char *cmp_level_id(const char *code)
{
    switch (code ? strlen(code) : 0) {
    case 2: return "province";
    case 4: return "city";
    case 6: return "county";
    case 9: return "street";
    case 12: return "community";
    default: return "";
    }
}

const char *cmp_article_date(const run_article *a)
{
    const char *d = a->date;
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return "";
    return d;
}

/* Columns: localities by level (province first, places not found last),
 * then code, then name. */
static const run_set *sort_set;
static int col_cmp(const void *x, const void *y)
{
    const run_locality *a = &sort_set->loc[*(const size_t *)x], *b = &sort_set->loc[*(const size_t *)y];
    size_t la = a->code ? strlen(a->code) : 0, lb = b->code ? strlen(b->code) : 0;
    int c;
    if (!la != !lb)
        return la ? -1 : 1;
    if (la != lb)
        return la < lb ? -1 : 1;
    if (la && (c = strcmp(a->code, b->code)))
        return c;
    return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

/* Order the entries by row (indicator, then unit rank) and column, each
 * cell's figures in article and text order, as they were made: two stable
 * counting sorts, the column first: two passes where a comparison sort
 * of the 18 million entries of a million articles compares each about
 * 24 times, on the run's critical path. */
static void sort_entries(entry *e, size_t ne, size_t ncols)
{
    entry *tmp;
    size_t *count, nkeys, ranks = 1, inds = 1;

    if (ne < 2)
        return;
    tmp = xmalloc(ne * sizeof(*tmp));
    count = xcalloc(ncols + 1, sizeof(*count));
    for (size_t i = 0; i < ne; i++)
        count[e[i].col + 1]++;
    for (size_t c = 0; c < ncols; c++)
        count[c + 1] += count[c];
    for (size_t i = 0; i < ne; i++)
        tmp[count[e[i].col]++] = e[i];
    free(count);

    for (size_t i = 0; i < ne; i++) {
        if ((size_t)tmp[i].rank + 1 > ranks)
            ranks = (size_t)tmp[i].rank + 1;
        if ((size_t)tmp[i].ind + 1 > inds)
            inds = (size_t)tmp[i].ind + 1;
    }
    nkeys = inds * ranks;
    count = xcalloc(nkeys + 1, sizeof(*count));
    for (size_t i = 0; i < ne; i++)
        count[(size_t)tmp[i].ind * ranks + (size_t)tmp[i].rank + 1]++;
    for (size_t k = 0; k < nkeys; k++)
        count[k + 1] += count[k];
    for (size_t i = 0; i < ne; i++)
        e[count[(size_t)tmp[i].ind * ranks + (size_t)tmp[i].rank]++] = tmp[i];
    free(count);
    free(tmp);
}

/* A done figure that this row's kind may take (spec: which figures a cell
 * uses): per-day figures only in daily rows, other periods in none but
 * standards. */
static int eligible(const ind_def *d, const ls_figure *f)
{
    if (f->status != STATUS_DONE)
        return 0;
    if (d->kind == KIND_STANDARD)
        return 1;
    if (d->kind == KIND_DAILY)
        return !strcmp(f->period, "日");
    return !f->period[0];
}

/* The unit that names a class, and its rank among the row's units, so
 * that 服务老年人数 in 人 comes before the same in 户. */
static const char *class_unit(const ind_rules *r, const ind_def *d, const char *unit, int *rank)
{
    int c = ind_class_of(r, unit);
    *rank = (int)d->nunits;
    for (size_t k = 0; k < d->nunits; k++)
        if (!strcmp(d->units[k], unit) || (c >= 0 && ind_class_of(r, d->units[k]) == c)) {
            *rank = (int)k;
            break;
        }
    return c >= 0 ? ind_class_name(r, (size_t)c) : unit;
}

static int later(const run_set *set, uint32_t a, uint32_t b)
{
    int c = strcmp(cmp_article_date(&set->v[a]), cmp_article_date(&set->v[b]));
    if (c)
        return c > 0;
    return strcmp(set->v[a].name, set->v[b].name) > 0;
}

/* The qualifier of a value made of several, the used ones of v[0..n):
 * exact when every part is; else over when any part is; else the first
 * approximate one. */
static ls_qualifier combine_qualifier(const cmp_ref *refs, const entry *v, size_t n)
{
    ls_qualifier q = QUAL_EXACT;
    for (size_t i = 0; i < n; i++) {
        ls_qualifier fq = (ls_qualifier)v[i].qualifier;
        if (refs[i].role != CMP_USED)
            continue;
        if (fq == QUAL_OVER)
            return QUAL_OVER;
        if (q == QUAL_EXACT)
            q = fq;
    }
    return q;
}

static int ref_role_cmp(const void *x, const void *y)
{
    const cmp_ref *a = x, *b = y;
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    if (a->art != b->art)
        return a->art < b->art ? -1 : 1;
    return a->fig < b->fig ? -1 : a->fig > b->fig;
}

static int same_statement(const entry *a, const entry *b)
{
    return a->value == b->value && a->has_max == b->has_max &&
           (!a->has_max || a->value_max == b->value_max) && a->unit == b->unit;
}

/* A cell's figure by what it states, then by text order: repeats sort
 * together, the first of them first. Units compare by their number,
 * which tells the same ones apart as their names would. */
static int statement_cmp(const void *x, const void *y, void *cell)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const entry *a = (const entry *)cell + i, *b = (const entry *)cell + j;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    if (a->has_max != b->has_max)
        return a->has_max < b->has_max ? -1 : 1;
    if (a->has_max && a->value_max != b->value_max)
        return a->value_max < b->value_max ? -1 : 1;
    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Fill @p c from its figures refs[0..n) (all CMP_USED on entry, in article
 * and text order), whose statements are v[0..n): mark repeats, then
 * combine by the row's kind. The used ones are read in that order, as
 * they stand after the refs are sorted by role at the end. */
static void combine(const run_set *set, ind_kind kind, cmp_ref *refs, const entry *v, size_t n,
                    cmp_cell *c)
{
    size_t nu = 0, best = (size_t)-1, last_art = 0;
    uint32_t latest = 0;
    int any = 0;

    if (n > 1) {
        /* a repeat: the same value, range and unit as a figure before it;
         * sorted by those and then by text order, the first of each run
         * is the one used (a sort, since a cell may hold many figures) */
        size_t *ord = xmalloc(n * sizeof(*ord));
        for (size_t i = 0; i < n; i++)
            ord[i] = i;
        qsort_r(ord, n, sizeof(*ord), statement_cmp, (void *)v);
        for (size_t k = 1; k < n; k++)
            if (same_statement(&v[ord[k - 1]], &v[ord[k]]))
                refs[ord[k]].role = CMP_REPEAT;
        free(ord);
    }
    for (size_t i = 0; i < n; i++) {
        if (refs[i].role == CMP_USED && (!any || later(set, refs[i].art, latest))) {
            latest = refs[i].art;
            any = 1;
        }
    }
    if (kind == KIND_LEVEL || kind == KIND_DAILY || kind == KIND_SIZE || kind == KIND_RATE)
        for (size_t i = 0; i < n; i++)
            if (refs[i].role == CMP_USED && refs[i].art != latest)
                refs[i].role = CMP_OLDER;
    if (kind == KIND_SIZE || kind == KIND_RATE) {
        for (size_t i = 0; i < n; i++)
            if (refs[i].role == CMP_USED && (best == (size_t)-1 || v[i].value > v[best].value))
                best = i;
        for (size_t i = 0; i < n; i++)
            if (refs[i].role == CMP_USED && i != best)
                refs[i].role = CMP_SMALLER;
    }

    c->value = 0;
    c->has_max = 0;
    c->narticles = 0;
    if (kind == KIND_STANDARD) {
        double lo = 0, hi = 0;
        for (size_t i = 0; i < n; i++) {
            double top = v[i].has_max && v[i].value_max > v[i].value ? v[i].value_max : v[i].value;
            if (refs[i].role != CMP_USED)
                continue;
            if (!nu || v[i].value < lo)
                lo = v[i].value;
            if (!nu || top > hi)
                hi = top;
            nu++;
        }
        c->value = lo;
        c->value_max = hi;
        c->has_max = hi != lo;
        c->mark = c->has_max ? CMP_RANGE : nu > 1 ? CMP_LATEST : CMP_ONE;
    } else {
        size_t one = 0;
        for (size_t i = 0; i < n; i++)
            if (refs[i].role == CMP_USED) {
                c->value += v[i].value;
                one = i;
                nu++;
            }
        if (nu == 1 && v[one].has_max) {
            c->value_max = v[one].value_max;
            c->has_max = 1;
        }
        c->mark = nu > 1 ? CMP_SUM : n > nu && (kind != KIND_TOTAL) ? CMP_LATEST : CMP_ONE;
        /* a sum and a choice at once: the sum is what the number says */
        for (size_t i = 0; i < n && nu == 1; i++)
            if (refs[i].role == CMP_OLDER || refs[i].role == CMP_SMALLER)
                c->mark = CMP_LATEST;
    }
    c->nused = nu;
    /* 2.72万元 + 1000元 is 28200, not 28200.000000000004 */
    c->value = round(c->value * 1e6) / 1e6;
    c->value_max = round(c->value_max * 1e6) / 1e6;
    c->q = combine_qualifier(refs, v, n);
    /* the used ones are in article order: count where it changes (a look
     * back over all before each was quadratic in a big cell) */
    for (size_t i = 0, k = 0; i < n; i++)
        if (refs[i].role == CMP_USED) {
            c->narticles += !k++ || refs[i].art != last_art;
            last_art = refs[i].art;
        }
    if (n > 1)
        qsort(refs, n, sizeof(*refs), ref_role_cmp);
}

void cmp_build(cmp_matrix *m, const run_set *set, const ind_rules *rules)
{
    size_t *col_of = xcalloc(set->nloc + 1, sizeof(*col_of));
    entry *e = NULL;
    size_t ne = 0, ealloc = 0, rows_alloc = 0, cells_alloc = 0;
    unit_names units = { NULL, 0, 0, NULL, 0 };
    uint16_t shown = 0;

    memset(m, 0, sizeof(*m));
    m->rules = rules;
    m->ncols = set->nloc;
    m->cols = xcalloc(set->nloc + 1, sizeof(*m->cols));
    for (size_t l = 0; l < set->nloc; l++)
        m->cols[l] = l;
    sort_set = set; /* the run is one thread here */
    qsort(m->cols, m->ncols, sizeof(*m->cols), col_cmp);
    for (size_t c = 0; c < m->ncols; c++)
        col_of[m->cols[c]] = c;

    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        if (a->err || a->locality < 0)
            continue;
        for (size_t k = 0; k < a->figs.n; k++) {
            const ls_figure *f = &a->figs.v[k];
            const ind_def *d;
            entry *x;
            int rank;
            if (f->ind <= 0 || (size_t)f->ind > ind_count(rules))
                continue;
            d = ind_get(rules, (size_t)f->ind - 1);
            if (!eligible(d, f))
                continue;
            ALLOC_GROW(e, ne + 1, ealloc);
            x = &e[ne++];
            x->value = f->value;
            x->value_max = f->value_max;
            x->has_max = f->has_max;
            x->qualifier = (uint8_t)f->qualifier;
            x->ind = f->ind - 1;
            x->unit = unit_id(&units, f->unit);
            x->shown = unit_id(&units, class_unit(rules, d, f->unit, &rank));
            x->rank = (uint16_t)rank;
            x->col = (uint32_t)col_of[a->locality];
            x->art = (uint32_t)i;
            x->fig = (uint32_t)k;
        }
    }
    sort_entries(e, ne, m->ncols);
    m->refs = xcalloc(ne + 1, sizeof(*m->refs));
    for (size_t i = 0; i < ne;) {
        size_t j = i;
        cmp_cell *c;
        if (!m->nrows || m->rows[m->nrows - 1].ind != e[i].ind || shown != e[i].shown) {
            ALLOC_GROW(m->rows, m->nrows + 1, rows_alloc);
            m->rows[m->nrows].ind = e[i].ind;
            snprintf(m->rows[m->nrows].unit, sizeof(m->rows[m->nrows].unit), "%s",
                     units.v[e[i].shown]);
            shown = e[i].shown;
            m->nrows++;
        }
        while (j < ne && e[j].ind == e[i].ind && e[j].rank == e[i].rank && e[j].col == e[i].col)
            j++;
        ALLOC_GROW(m->cells, m->ncells + 1, cells_alloc);
        c = &m->cells[m->ncells++];
        memset(c, 0, sizeof(*c));
        c->row = m->nrows - 1;
        c->col = e[i].col;
        c->ref = m->nrefs;
        c->nref = j - i;
        for (size_t k = i; k < j; k++)
            m->refs[m->nrefs++] = (cmp_ref){ e[k].art, e[k].fig, CMP_USED };
        combine(set, ind_get(rules, (size_t)e[i].ind)->kind, m->refs + c->ref, e + i, c->nref, c);
        i = j;
    }
    free(e);
    free(col_of);
    unit_names_release(&units);
}

const cmp_cell *cmp_cell_at(const cmp_matrix *m, size_t row, size_t col)
{
    size_t lo = 0, hi = m->ncells;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const cmp_cell *c = &m->cells[mid];
        if (c->row < row || (c->row == row && c->col < col))
            lo = mid + 1;
        else if (c->row == row && c->col == col)
            return c;
        else
            hi = mid;
    }
    return NULL;
}

void cmp_release(cmp_matrix *m)
{
    free(m->rows);
    free(m->cols);
    free(m->cells);
    free(m->refs);
    memset(m, 0, sizeof(*m));
}
