/* correct.c - staff corrections applied to the figures of a run. */
#include "correct.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fix_names[] = { "exclude", "category", "value", "unit", "indicator", "add" };

static void bad_line(corrections *c, int line, const char *why)
{
    char *msg = xstrfmt("%s:%d: %s", c->path, line, why);
    warning("%s", msg);
    ALLOC_GROW(c->bad, c->nbad + 1, c->bad_alloc);
    c->bad[c->nbad++] = msg;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!*s)
        return -1;
    *out = strtod(s, &end);
    return *end ? -1 : 0;
}

void corrections_load(corrections *c, const char *path)
{
    char *data, *p, *end;
    size_t len;
    int line = 0;

    memset(c, 0, sizeof(*c));
    c->path = xstrdup(path);
    if (read_file(path, &data, &len) != LS_OK) {
        if (errno != ENOENT)
            warning("cannot read corrections '%s': %s", path, strerror(errno));
        return;
    }
    for (p = data, end = data + len; p < end;) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *f[8];
        int nf = 0, k;
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
        memset(&x, 0, sizeof(x));
        x.line = line;
        for (k = 0; k < 6 && strcmp(f[0], fix_names[k]); k++)
            ;
        if (k == 6) {
            bad_line(c, line, "unknown action (exclude, category, value, unit, indicator, add)");
            continue;
        }
        x.kind = (fix_kind)k;
        if (nf < (x.kind == FIX_EXCLUDE ? 4 : x.kind == FIX_ADD ? 8 : 5)) {
            bad_line(c, line, "too few TAB-separated fields");
            continue;
        }
        if (x.kind != FIX_ADD) {
            char *e;
            x.occurrence = (int)strtol(f[3], &e, 10);
            if (*e || x.occurrence < 1) {
                bad_line(c, line, "the occurrence must be 1 or more");
                continue;
            }
        }
        if (x.kind == FIX_CATEGORY && (x.category = ls_category_parse(f[4])) == CAT_MAX) {
            bad_line(c, line, "unknown category");
            continue;
        }
        if ((x.kind == FIX_VALUE && parse_number(f[4], &x.value)) ||
            (x.kind == FIX_ADD && parse_number(f[4], &x.value))) {
            bad_line(c, line, "the value must be a plain number (27300)");
            continue;
        }
        if (x.kind == FIX_ADD && (x.category = ls_category_parse(f[6])) == CAT_MAX) {
            bad_line(c, line, "unknown category");
            continue;
        }
        x.article = xstrdup(f[1]);
        x.surface = xstrdup(f[2]);
        x.arg = nf > 4 ? xstrdup(f[4]) : NULL;
        if (x.kind == FIX_ADD) {
            x.unit = xstrdup(f[5]);
            x.indicator = xstrdup(f[7]);
        }
        ALLOC_GROW(c->v, c->n + 1, c->alloc);
        c->v[c->n++] = x;
    }
    free(data);
}

static void note(ls_figure *f, const corrections *c, const correction *x, const char *what)
{
    char *s = xstrfmt("%s%s%s (%s:%d)", f->correction ? f->correction : "", f->correction ? "; " : "",
                      what, c->path, x->line);
    free(f->correction);
    f->correction = s;
}

void corrections_apply(corrections *c, run_set *set)
{
    for (size_t i = 0; i < c->n; i++) {
        correction *x = &c->v[i];
        for (size_t a = 0; a < set->n && !x->applied; a++) {
            run_article *art = &set->v[a];
            int nth = 0;
            if (art->err || strcmp(art->name, x->article))
                continue;
            if (x->kind == FIX_ADD) {
                ls_figure f;
                memset(&f, 0, sizeof(f));
                f.value = x->value;
                snprintf(f.unit, sizeof(f.unit), "%s", x->unit);
                f.category = x->category;
                f.indicator = xstrdup(x->indicator);
                f.surface = xstrdup(x->surface);
                f.sentence = ls_shared_new("", 0);
                note(&f, c, x, "added");
                ALLOC_GROW(art->figs.v, art->figs.n + 1, art->figs.alloc);
                art->figs.v[art->figs.n++] = f;
                x->applied = 1;
                break;
            }
            for (size_t k = 0; k < art->figs.n; k++) {
                ls_figure *f = &art->figs.v[k];
                char *what;
                if (strcmp(f->surface, x->surface) || ++nth != x->occurrence)
                    continue;
                switch (x->kind) {
                case FIX_EXCLUDE:
                    ls_figure_release(f);
                    memmove(f, f + 1, (art->figs.n - k - 1) * sizeof(*f));
                    art->figs.n--;
                    break;
                case FIX_CATEGORY:
                    what = xstrfmt("category %s -> %s", ls_category_id(f->category),
                                   ls_category_id(x->category));
                    f->category = x->category;
                    note(f, c, x, what);
                    free(what);
                    break;
                case FIX_VALUE:
                    what = xstrfmt("value -> %s", x->arg);
                    f->value = x->value;
                    note(f, c, x, what);
                    free(what);
                    break;
                case FIX_UNIT:
                    what = xstrfmt("unit %s -> %s", f->unit, x->arg);
                    snprintf(f->unit, sizeof(f->unit), "%s", x->arg);
                    note(f, c, x, what);
                    free(what);
                    break;
                case FIX_INDICATOR:
                    what = xstrfmt("indicator %s -> %s", f->indicator, x->arg);
                    free(f->indicator);
                    f->indicator = xstrdup(x->arg);
                    note(f, c, x, what);
                    free(what);
                    break;
                case FIX_ADD:
                    break;
                }
                x->applied = 1;
                break;
            }
        }
        if (!x->applied)
            warning("%s:%d: correction no longer matches a figure ('%s' #%d in '%s')", c->path,
                    x->line, x->surface, x->occurrence, x->article);
    }
}

void corrections_release(corrections *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].article);
        free(c->v[i].surface);
        free(c->v[i].arg);
        free(c->v[i].unit);
        free(c->v[i].indicator);
    }
    free(c->v);
    for (size_t i = 0; i < c->nbad; i++)
        free(c->bad[i]);
    free(c->bad);
    free(c->path);
    memset(c, 0, sizeof(*c));
}
