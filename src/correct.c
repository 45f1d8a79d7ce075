/* correct.c - staff corrections applied to the figures of a run. */
#include "correct.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "text.h"

static const char *const fix_names[FIX_MAX] = { "exclude", "category", "value", "unit",
                                                "indicator", "add", "place" };

const char *fix_name(fix_kind k)
{
    return (unsigned)k < FIX_MAX ? fix_names[k] : "?";
}

static void bad_line(corrections *c, int line, const char *why)
{
    warning("%s:%d: %s", c->path, line, why);
    ALLOC_GROW(c->bad, c->nbad + 1, c->bad_alloc);
    c->bad[c->nbad++] = xstrfmt("%s:%d", c->path, line); /* the reason is on stderr */
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!*s)
        return -1;
    *out = strtod(s, &end);
    return *end ? -1 : 0;
}

static void correction_release(correction *x)
{
    free(x->article);
    free(x->surface);
    free(x->arg);
    free(x->unit);
    free(x->indicator);
}

/* Fields of a line into @p x; -1 with the reason in @p why. */
static int parse(char *const *f, int nf, correction *x, const char **why)
{
    int k;
    memset(x, 0, sizeof(*x));
    for (k = 0; k < FIX_MAX && strcmp(f[0], fix_names[k]); k++)
        ;
    if (k == FIX_MAX) {
        *why = "unknown action (exclude, category, value, unit, indicator, add, place)";
        return -1;
    }
    x->kind = (fix_kind)k;
    if (nf < (x->kind == FIX_PLACE ? 3 : x->kind == FIX_EXCLUDE ? 4 : x->kind == FIX_ADD ? 8 : 5)) {
        *why = "too few TAB-separated fields";
        return -1;
    }
    if (x->kind == FIX_PLACE) {
        x->article = xstrdup(f[1]);
        x->arg = xstrdup(f[2]);
        x->surface = xstrdup("");
        return 0;
    }
    if (x->kind != FIX_ADD) {
        char *e;
        long n = strtol(f[3], &e, 10);
        if (*e || n < 1 || n > 1000000) {
            *why = "the occurrence must be 1 or more";
            return -1;
        }
        x->occurrence = (int)n;
    }
    if ((x->kind == FIX_CATEGORY && (x->category = ls_category_parse(f[4])) == CAT_MAX) ||
        (x->kind == FIX_ADD && (x->category = ls_category_parse(f[6])) == CAT_MAX)) {
        *why = "unknown category";
        return -1;
    }
    if ((x->kind == FIX_VALUE || x->kind == FIX_ADD) && parse_number(f[4], &x->value)) {
        *why = "the value must be a plain number (27300)";
        return -1;
    }
    x->article = xstrdup(f[1]);
    x->surface = xstrdup(f[2]);
    x->arg = nf > 4 ? xstrdup(f[4]) : NULL;
    if (x->kind == FIX_ADD) {
        x->unit = xstrdup(f[5]);
        x->indicator = xstrdup(f[7]);
    }
    return 0;
}

void corrections_load(corrections *c, const char *path)
{
    char *data, *p, *end;
    size_t len;
    int line = 0;
    strbuf why = STRBUF_INIT;

    memset(c, 0, sizeof(*c));
    c->path = xstrdup(path);
    if (read_file(path, &data, &len) != LS_OK) {
        if (errno != ENOENT) {
            warning("cannot read corrections '%s': %s", path, strerror(errno));
            c->unreadable = 1;
        }
        return;
    }
    /* staff save this file from Excel or WPS: UTF-16, GB18030, CRLF */
    if (text_decode(data, len, &c->text, &c->text_len, &c->encoding, &why)) {
        error("cannot read corrections '%s': %s", path, why.buf);
        c->unreadable = 1;
        sb_release(&why);
        free(data);
        return;
    }
    sb_release(&why);
    free(data);
    data = xstrndup(c->text, c->text_len); /* split in place below */
    for (p = data, end = data + c->text_len; p < end;) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *f[8];
        int nf = 0;
        const char *problem;
        correction x;

        line++;
        if (!eol)
            eol = end;
        *eol = '\0';
        if (eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        if (!*p || *p == '#') {
            p = eol + 1;
            continue;
        }
        for (char *q = p; nf < 8;) {
            f[nf++] = q;
            q = strchr(q, '\t');
            if (!q)
                break;
            *q++ = '\0';
        }
        p = eol + 1;
        if (parse(f, nf, &x, &problem)) {
            correction_release(&x);
            bad_line(c, line, problem);
            continue;
        }
        x.line = line;
        ALLOC_GROW(c->v, c->n + 1, c->alloc);
        c->v[c->n++] = x;
    }
    c->nlines = line;
    c->nfile = c->n;
    free(data);
}

static int same_target(const correction *a, const correction *b)
{
    return a->kind == b->kind && !strcmp(a->article, b->article) &&
           !strcmp(a->surface, b->surface) && a->occurrence == b->occurrence;
}

int corrections_add(corrections *c, char *const *f, int nf, strbuf *why)
{
    correction x;
    const char *problem;

    if (parse(f, nf, &x, &problem)) {
        sb_addstr(why, problem);
        correction_release(&x);
        return -1;
    }
    /* already said: the last correction of its kind on its target says it */
    for (size_t i = c->n; i-- > 0;) {
        const correction *y = &c->v[i];
        if (!same_target(&x, y))
            continue;
        if (x.kind == FIX_EXCLUDE ||
            (x.kind == FIX_ADD ? x.value == y->value && !strcmp(x.unit, y->unit)
                               : !strcmp(x.arg ? x.arg : "", y->arg ? y->arg : ""))) {
            correction_release(&x);
            return 0;
        }
        break;
    }
    /* a new file starts with a comment line (corrections_save) */
    x.line = (c->text ? c->nlines : 1) + (int)(c->n - c->nfile) + 1;
    ALLOC_GROW(c->v, c->n + 1, c->alloc);
    c->v[c->n++] = x;
    return 1;
}

/* A field as a line may hold it: no TAB, no line break. */
static void add_field(strbuf *sb, const char *s)
{
    for (; s && *s; s++)
        sb_addch(sb, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

ls_error corrections_save(corrections *c)
{
    strbuf sb = STRBUF_INIT;
    ls_error err = LS_OK;

    if (c->n == c->nfile)
        return LS_OK;
    if (c->unreadable)
        return error("'%s' could not be read, so the %zu correction%s from the workbook are not "
                     "written to it; they apply to this run only",
                     c->path, c->n - c->nfile, c->n - c->nfile == 1 ? "" : "s"),
               LS_ERR_IO;
    sb_addstr(&sb, "\xEF\xBB\xBF");
    if (c->text) {
        /* the file as it was stays beside it, byte for byte */
        if ((err = outfile_backup(c->path))) {
            sb_release(&sb);
            return err;
        }
        sb_add(&sb, c->text, c->text_len);
        if (c->text_len && c->text[c->text_len - 1] != '\n')
            sb_addstr(&sb, strstr(c->text, "\r\n") ? "\r\n" : "\n");
    } else {
        sb_addstr(&sb, "# locstat corrections: action, article, figure as written, occurrence, value\n");
    }
    for (size_t i = c->nfile; i < c->n; i++) {
        const correction *x = &c->v[i];
        char num[32];
        sb_addstr(&sb, fix_names[x->kind]);
        sb_addch(&sb, '\t');
        add_field(&sb, x->article);
        sb_addch(&sb, '\t');
        if (x->kind == FIX_PLACE) {
            add_field(&sb, x->arg);
            sb_addch(&sb, '\n');
            continue;
        }
        add_field(&sb, x->surface);
        sb_addch(&sb, '\t');
        if (x->kind == FIX_ADD) {
            sb_addch(&sb, '-');
        } else {
            snprintf(num, sizeof(num), "%d", x->occurrence);
            sb_addstr(&sb, num);
        }
        if (x->kind == FIX_ADD) {
            sb_addch(&sb, '\t');
            add_field(&sb, x->arg);
            sb_addch(&sb, '\t');
            add_field(&sb, x->unit);
            sb_addch(&sb, '\t');
            sb_addstr(&sb, ls_category_id(x->category));
            sb_addch(&sb, '\t');
            add_field(&sb, x->indicator);
        } else if (x->kind == FIX_CATEGORY) {
            sb_addch(&sb, '\t');
            sb_addstr(&sb, ls_category_id(x->category));
        } else if (x->kind != FIX_EXCLUDE) {
            sb_addch(&sb, '\t');
            add_field(&sb, x->arg);
        }
        sb_addch(&sb, '\n');
    }
    err = outfile_write(c->path, sb.buf, sb.len);
    if (!err)
        info("%s: %zu correction%s added from the workbook", c->path, c->n - c->nfile,
             c->n - c->nfile == 1 ? "" : "s");
    sb_release(&sb);
    return err;
}

/* Record on @p f that correction @p x applied to it. */
static void note(ls_figure *f, const corrections *c, const correction *x)
{
    char *ref = xstrfmt("%s:%d", c->path, x->line);
    f->fixed |= 1u << x->kind;
    if (!f->correction || !strstr(f->correction, ref)) {
        char *s = xstrfmt("%s%s%s", f->correction ? f->correction : "", f->correction ? ", " : "", ref);
        free(f->correction);
        f->correction = s;
    }
    free(ref);
}

/* Number each figure's occurrence of its surface, in text order. */
static const ls_figure *sort_figs; /* corrections are applied on one thread */
static int by_surface(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    int c = strcmp(sort_figs[i].surface, sort_figs[j].surface);
    return c ? c : i < j ? -1 : i > j;
}

/* Each figure's nth: which occurrence of its surface it is, in text
 * order. Sorted by surface, then text order, each run counts up (asking
 * every figure before each was quadratic in a long article). */
static void number_figures(run_article *a)
{
    size_t n = a->figs.n, *ord = xmalloc((n + 1) * sizeof(*ord));
    for (size_t k = 0; k < n; k++)
        ord[k] = k;
    sort_figs = a->figs.v;
    qsort(ord, n, sizeof(*ord), by_surface);
    for (size_t k = 0; k < n; k++)
        a->figs.v[ord[k]].nth = k && !strcmp(a->figs.v[ord[k - 1]].surface, a->figs.v[ord[k]].surface)
                                    ? a->figs.v[ord[k - 1]].nth + 1
                                    : 1;
    free(ord);
}

static int apply_one(corrections *c, correction *x, run_article *art, const gazetteer *g)
{
    if (x->kind == FIX_PLACE) {
        loc_result lr;
        int rc = loc_lookup(g, x->arg, &lr);
        if (rc) {
            warning("%s:%d: place '%s' is %s", c->path, x->line, x->arg,
                    rc == -2 ? "the name of several divisions; give its code" : "not a division");
            loc_release(&lr);
            return 0;
        }
        loc_release(&art->loc);
        art->loc = lr;
        free(art->loc_fix);
        art->loc_fix = xstrfmt("%s:%d", c->path, x->line);
        return 1;
    }
    if (x->kind == FIX_ADD) {
        ls_figure f;
        memset(&f, 0, sizeof(f));
        f.value = x->value;
        snprintf(f.unit, sizeof(f.unit), "%s", x->unit);
        f.category = x->category;
        f.indicator = xstrdup(x->indicator);
        f.surface = xstrdup(x->surface);
        f.sentence = ls_shared_new("", 0);
        f.nth = 1;
        for (size_t k = 0; k < art->figs.n; k++)
            if (!strcmp(art->figs.v[k].surface, f.surface))
                f.nth++;
        note(&f, c, x);
        *figure_list_push(&art->figs) = f;
        return 1;
    }
    for (size_t k = 0; k < art->figs.n; k++) {
        ls_figure *f = &art->figs.v[k];
        if (f->nth != x->occurrence || strcmp(f->surface, x->surface))
            continue;
        switch (x->kind) {
        case FIX_EXCLUDE:
            ls_figure_release(f);
            memmove(f, f + 1, (art->figs.n - k - 1) * sizeof(*f));
            art->figs.n--;
            return 1;
        case FIX_CATEGORY:
            f->category = x->category;
            break;
        case FIX_VALUE:
            f->value = x->value;
            break;
        case FIX_UNIT:
            snprintf(f->unit, sizeof(f->unit), "%s", x->arg);
            break;
        case FIX_INDICATOR:
            ls_figure_set_indicator(f, x->arg);
            break;
        default:
            break;
        }
        note(f, c, x);
        return 1;
    }
    return 0;
}

void corrections_apply(corrections *c, run_set *set, const gazetteer *g)
{
    for (size_t a = 0; a < set->n; a++)
        number_figures(&set->v[a]);
    for (size_t i = 0; i < c->n; i++) {
        correction *x = &c->v[i];
        int seen = 0;
        for (size_t a = 0; a < set->n && !x->applied; a++) {
            run_article *art = &set->v[a];
            if (!art->err && !strcmp(art->name, x->article))
                seen = 1, x->applied = apply_one(c, x, art, g);
        }
        if (!seen && x->kind == FIX_PLACE)
            warning("%s:%d: no article '%s' to place", c->path, x->line, x->article);
        else if (!x->applied && x->kind != FIX_PLACE)
            warning("%s:%d: correction no longer matches a figure ('%s' #%d in '%s')", c->path,
                    x->line, x->surface, x->occurrence, x->article);
    }
}

void corrections_release(corrections *c)
{
    for (size_t i = 0; i < c->n; i++)
        correction_release(&c->v[i]);
    free(c->v);
    for (size_t i = 0; i < c->nbad; i++)
        free(c->bad[i]);
    free(c->bad);
    free(c->path);
    free(c->text);
    memset(c, 0, sizeof(*c));
}
