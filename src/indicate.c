/* indicate.c - a figure's comparison indicator from weighted words in nested context. */
#include "indicate.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

enum level {
    LV_HEAD, LV_NOUN, LV_SEGMENT, LV_EXAMPLES, LV_CLAUSE, LV_SENTENCE, LV_HEADING, LV_CATEGORY,
    LV_MAX
};
static const char *const level_names[LV_MAX] = {
    "head", "noun", "segment", "examples", "clause", "sentence", "heading", "category",
};

static const char *const kind_ids[KIND_MAX] = {
    "total", "level", "daily", "size", "rate", "standard",
};

/* The weight of a word that names the thing a row counts
 * (indicator_words.tsv: 3 names it, 2 is typical, 1 a hint). */
#define WORD_NAMES 3.0
#define WORD_TYPICAL 2.0

/* An id's category part; general is what serves residents at large. */
static const char *const cat_parts[CAT_MAX] = {
    "elderly", "children", "employment", "health", "governance", "general",
};

typedef struct {
    char *word;
    int ind;                /* a catalogue row, or -1 when generic */
    int generic[CAT_MAX];   /* *.served: the row for each category, or -1 */
    int none;               /* names a thing no row counts (工作人员) */
    size_t same;            /* on a word's first entry: its entries, one per row */
    size_t len;
    double weight;
    double noun_weight;     /* as the counted noun (a 4th column), else weight */
} ind_word;

typedef struct {
    char *word;
    char *suffix; /* scope: the division name's ending (市), or "*" for wider than any */
} marker;

struct ind_rules {
    ind_def *def;
    size_t ndef;
    ind_word *w; /* sorted by word, for bsearch */
    size_t nw;
    char **class_name;
    size_t nclass;
    char **unit;    /* unit -> class */
    int *unit_class;
    size_t nunit;
    char **units;          /* every unit some row takes */
    unsigned char *takes;  /* takes[row * nunits + unit]: the row takes the unit */
    size_t nunits;
    marker *part, *whole, *scope, *narrow, *link, *form, *elided, *benef, *naming, *cumul, *each;
    char **instead;        /* pairs: a generic row name, the row that stands for it */
    size_t ninstead, nnarrow, nlink, nform, nelided, nbenef, nnaming, ncumul, neach;
    int *within;           /* pairs of rows: the first yields to the second where the
                              sentence names it (elderly.services, elderly.meals) */
    size_t nwithin;
    struct yield {
        int from;          /* the row that yields */
        int to[CAT_MAX][2]; /* for each category, the rows it yields to, or -1 */
    } *yield;
    size_t nyield;
    char *people;          /* the unit class of people, whom a verb after them
                              describes (680名劳动力实现转移就业) */
    uint32_t *mark_cp;     /* the first characters of the markers */
    size_t nmark_first;
    uint8_t mark_bits[65536 / 8]; /* some marker starts with this BMP character */
    size_t npart, nwhole, nscope;
    char **ends;           /* the endings of the self words (places.tsv), longest first */
    size_t nends;
    double level_weight[LV_MAX];
    double threshold;
    /* the distinct words, longest first, by their first character; byfirst[k]
     * is the first ind_word of the index's k-th word */
    word_index first;
    char **longest;
    size_t *byfirst;
    const ind_rules *parent;
};

typedef struct {
    size_t a, b;
    size_t w; /* first ind_word of the word matched */
} hit;

/* The settings of indicate.tsv that are lists of words (setting<TAB>word),
 * and where each list is kept. */
static const struct {
    const char *name;
    size_t list, count;
} word_lists[] = {
#define LIST(name, v, n) { name, offsetof(ind_rules, v), offsetof(ind_rules, n) }
    LIST("part", part, npart),          LIST("whole", whole, nwhole),
    LIST("narrow", narrow, nnarrow),    LIST("link", link, nlink),
    LIST("form", form, nform),          LIST("elided", elided, nelided),
    LIST("beneficiary", benef, nbenef), LIST("naming", naming, nnaming),
    LIST("cumulative", cumul, ncumul),  LIST("each", each, neach),
#undef LIST
};

static marker **list_of(ind_rules *r, size_t i)
{
    return (marker **)(void *)((char *)r + word_lists[i].list);
}

static size_t *count_of(ind_rules *r, size_t i)
{
    return (size_t *)(void *)((char *)r + word_lists[i].count);
}

const char *ind_kind_id(ind_kind k)
{
    return (unsigned)k < KIND_MAX ? kind_ids[k] : "total";
}

size_t ind_count(const ind_rules *r)
{
    return r->ndef;
}

const ind_def *ind_get(const ind_rules *r, size_t i)
{
    return &r->def[i];
}

int ind_find(const ind_rules *r, const char *id)
{
    for (size_t i = 0; i < r->ndef; i++)
        if (!strcmp(r->def[i].id, id))
            return (int)i;
    return -1;
}

size_t ind_class_count(const ind_rules *r)
{
    return r->nclass;
}

const char *ind_class_name(const ind_rules *r, size_t c)
{
    return c < r->nclass ? r->class_name[c] : "";
}

int ind_class_of(const ind_rules *r, const char *unit)
{
    for (size_t i = 0; i < r->nunit; i++)
        if (!strcmp(r->unit[i], unit))
            return r->unit_class[i];
    return -1;
}

static void free_markers(marker *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].word);
        free(m[i].suffix);
    }
    free(m);
}

void ind_rules_free(ind_rules *r)
{
    if (!r)
        return;
    if (!r->parent) {
        for (size_t i = 0; i < r->ndef; i++) {
            free(r->def[i].id);
            free(r->def[i].label);
            free(r->def[i].counts);
            for (size_t k = 0; k < r->def[i].nunits; k++)
                free(r->def[i].units[k]);
            free(r->def[i].units);
        }
        free(r->def);
        for (size_t i = 0; i < r->nw; i++)
            free(r->w[i].word);
        free(r->w);
        for (size_t i = 0; i < r->nclass; i++)
            free(r->class_name[i]);
        free(r->class_name);
        for (size_t i = 0; i < r->nunit; i++)
            free(r->unit[i]);
        free(r->unit);
        free(r->unit_class);
        for (size_t i = 0; i < r->nunits; i++)
            free(r->units[i]);
        free(r->units);
        free(r->takes);
        for (size_t i = 0; i < sizeof(word_lists) / sizeof(*word_lists); i++)
            free_markers(*list_of(r, i), *count_of(r, i));
        free_markers(r->scope, r->nscope);
        for (size_t i = 0; i < r->nends; i++)
            free(r->ends[i]);
        free(r->ends);
        for (size_t i = 0; i < 2 * r->ninstead; i++)
            free(r->instead[i]);
        free(r->instead);
        free(r->within);
        free(r->yield);
        free(r->people);
        free(r->mark_cp);
        word_index_release(&r->first);
        free(r->longest);
        free(r->byfirst);
    }
    free(r);
}

ind_rules *ind_rules_fork(const ind_rules *r)
{
    /* nothing of the rules changes while matching: a fork only marks that
     * it does not own them */
    ind_rules *f = xmalloc(sizeof(*f));
    *f = *r;
    f->parent = r;
    return f;
}

/* Split "a|b|c" into a new vector. */
static char **split_bar(const char *s, size_t *n)
{
    char **v = NULL;
    size_t alloc = 0;
    *n = 0;
    for (;;) {
        const char *bar = strchr(s, '|');
        ALLOC_GROW(v, *n + 1, alloc);
        v[(*n)++] = bar ? xstrndup(s, (size_t)(bar - s)) : xstrdup(s);
        if (!bar)
            return v;
        s = bar + 1;
    }
}

static ls_error load_catalogue(ind_rules *r, const char *tdir)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "indicators.tsv", 4);
    if (err)
        goto out;
    r->def = xcalloc(tf.nrows + 1, sizeof(*r->def));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        ind_def *d = &r->def[r->ndef];
        const char *dot = strchr(row->field[0], '.');
        int c, k;
        for (c = 0; dot && c < CAT_MAX; c++)
            if (strlen(cat_parts[c]) == (size_t)(dot - row->field[0]) &&
                !strncmp(row->field[0], cat_parts[c], (size_t)(dot - row->field[0])))
                break;
        if (!dot || c == CAT_MAX || !dot[1]) {
            err = tmpl_error(&tf, row, "indicator id '%s' is not category.name (category one of "
                                       "elderly, children, employment, health, governance, general)",
                             row->field[0]);
            goto out;
        }
        if (ind_find(r, row->field[0]) >= 0) {
            err = tmpl_error(&tf, row, "indicator '%s' is listed twice", row->field[0]);
            goto out;
        }
        for (k = 0; k < KIND_MAX && strcmp(row->field[2], kind_ids[k]); k++)
            ;
        if (k == KIND_MAX) {
            err = tmpl_error(&tf, row, "unknown kind '%s' (total, level, daily, size, rate or standard)",
                             row->field[2]);
            goto out;
        }
        d->id = xstrdup(row->field[0]);
        d->label = xstrdup(row->field[1]);
        d->counts = xstrdup(row->nfield > 4 ? row->field[4] : "");
        d->kind = (ind_kind)k;
        d->cat = (ls_category)c;
        d->units = split_bar(row->field[3], &d->nunits);
        r->ndef++;
    }
    /* which row takes which unit, so that a figure asks once */
    for (size_t i = 0; i < r->ndef; i++)
        for (size_t k = 0; k < r->def[i].nunits; k++) {
            size_t u;
            for (u = 0; u < r->nunits && strcmp(r->units[u], r->def[i].units[k]); u++)
                ;
            if (u == r->nunits) {
                r->units = xrealloc(r->units, (r->nunits + 1) * sizeof(*r->units));
                r->units[r->nunits++] = xstrdup(r->def[i].units[k]);
            }
        }
    r->takes = xcalloc(r->ndef * r->nunits + 1, 1);
    for (size_t i = 0; i < r->ndef; i++)
        for (size_t u = 0; u < r->nunits; u++)
            for (size_t k = 0; k < r->def[i].nunits; k++)
                if (!strcmp(r->units[u], r->def[i].units[k]))
                    r->takes[i * r->nunits + u] = 1;
out:
    tmpl_release(&tf);
    return err;
}

static marker *add_marker(marker **v, size_t *n, const char *word, const char *suffix)
{
    marker *m;
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    m = &(*v)[(*n)++];
    m->word = xstrdup(word);
    m->suffix = suffix ? xstrdup(suffix) : NULL;
    return m;
}

/* The words by which a story names its own division (全市, 我县) are the
 * resolver's (places.tsv, self rows): each is a scope marker with its
 * ending. */
static ls_error load_self_words(ind_rules *r, const char *tdir)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "places.tsv", 2);
    for (size_t i = 0; !err && i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        size_t k;
        if (strcmp(row->field[0], "self") || row->nfield < 3)
            continue;
        for (int f = 2; f < row->nfield; f++)
            add_marker(&r->scope, &r->nscope, row->field[f], row->field[1]);
        for (k = 0; k < r->nends && strcmp(r->ends[k], row->field[1]); k++)
            ;
        if (k == r->nends) {
            r->ends = xrealloc(r->ends, (r->nends + 1) * sizeof(*r->ends));
            r->ends[r->nends++] = xstrdup(row->field[1]);
        }
    }
    if (r->nends)
        qsort(r->ends, r->nends, sizeof(*r->ends), strv_cmp_longest);
    tmpl_release(&tf);
    return err;
}

static ls_error load_settings(ind_rules *r, const char *tdir)
{
    tmpl_file tf;
    size_t ualloc = 0;
    ls_error err = tmpl_load(&tf, tdir, "indicate.tsv", 2);
    if (err)
        goto out;
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        const char *kind = row->field[0];
        size_t wl = 0;
        while (wl < sizeof(word_lists) / sizeof(*word_lists) && strcmp(kind, word_lists[wl].name))
            wl++;
        if (!strcmp(kind, "threshold")) {
            r->threshold = strtod(row->field[1], NULL);

        } else if (!strcmp(kind, "level") && row->nfield >= 3) {
            int k;
            for (k = 0; k < LV_MAX && strcmp(row->field[1], level_names[k]); k++)
                ;
            if (k == LV_MAX) {
                err = tmpl_error(&tf, row, "unknown level '%s'", row->field[1]);
                goto out;
            }
            r->level_weight[k] = strtod(row->field[2], NULL);
        } else if (!strcmp(kind, "class") && row->nfield >= 3) {
            size_t nu;
            char **u = split_bar(row->field[2], &nu);
            r->class_name = xrealloc(r->class_name, (r->nclass + 1) * sizeof(*r->class_name));
            r->class_name[r->nclass] = xstrdup(row->field[1]);
            for (size_t k = 0; k < nu; k++) {
                if (ind_class_of(r, u[k]) >= 0) {
                    err = tmpl_error(&tf, row, "unit '%s' is in two classes", u[k]);
                    for (; k < nu; k++)
                        free(u[k]);
                    free(u);
                    r->nclass++;
                    goto out;
                }
                ALLOC_GROW(r->unit, r->nunit + 1, ualloc);
                r->unit_class = xrealloc(r->unit_class, ualloc * sizeof(*r->unit_class));
                r->unit[r->nunit] = u[k];
                r->unit_class[r->nunit++] = (int)r->nclass;
            }
            free(u);
            r->nclass++;
        } else if (wl < sizeof(word_lists) / sizeof(*word_lists)) {
            add_marker(list_of(r, wl), count_of(r, wl), row->field[1], NULL);
        } else if (!strcmp(kind, "scope") && row->nfield >= 3) {
            add_marker(&r->scope, &r->nscope, row->field[1], row->field[2]);
        } else if (!strcmp(kind, "people")) {
            free(r->people);
            r->people = xstrdup(row->field[1]);
        } else if (!strcmp(kind, "within") && row->nfield >= 3) {
            int a = ind_find(r, row->field[1]), b = ind_find(r, row->field[2]);
            if (a < 0 || b < 0) {
                err = tmpl_error(&tf, row, "unknown indicator '%s'", row->field[a < 0 ? 1 : 2]);
                goto out;
            }
            r->within = xrealloc(r->within, 2 * (r->nwithin + 1) * sizeof(*r->within));
            r->within[2 * r->nwithin] = a;
            r->within[2 * r->nwithin + 1] = b;
            r->nwithin++;
        } else if (!strcmp(kind, "group") && row->nfield >= 2) {
            /* a category: all its rows; else one row */
            int a = ind_find(r, row->field[1]), any = a >= 0;
            if (a >= 0)
                r->def[a].group = 1;
            for (size_t k = 0; a < 0 && k < r->ndef; k++)
                if (!strcmp(cat_parts[r->def[k].cat], row->field[1]))
                    r->def[k].group = any = 1;
            if (!any) {
                err = tmpl_error(&tf, row, "unknown indicator or category '%s'", row->field[1]);
                goto out;
            }
        } else if (!strcmp(kind, "yield") && row->nfield >= 3) {
            struct yield y;
            y.from = ind_find(r, row->field[1]);
            if (y.from < 0) {
                err = tmpl_error(&tf, row, "unknown indicator '%s'", row->field[1]);
                goto out;
            }
            for (int c = 0; c < CAT_MAX; c++)
                for (int k = 0; k < 2; k++) {
                    char id[64];
                    snprintf(id, sizeof(id), "%s.%s", cat_parts[c],
                             k + 2 < row->nfield ? row->field[k + 2] : "");
                    y.to[c][k] = (ls_category)c == r->def[y.from].cat || k + 2 >= row->nfield
                                     ? -1
                                     : ind_find(r, id);
                }
            r->yield = xrealloc(r->yield, (r->nyield + 1) * sizeof(*r->yield));
            r->yield[r->nyield++] = y;
        } else if (!strcmp(kind, "own") && row->nfield >= 2) {
            int a = ind_find(r, row->field[1]);
            if (a < 0) {
                err = tmpl_error(&tf, row, "unknown indicator '%s'", row->field[1]);
                goto out;
            }
            r->def[a].own = 1;
        } else if (!strcmp(kind, "instead") && row->nfield >= 3) {
            if (ind_find(r, row->field[2]) < 0) {
                err = tmpl_error(&tf, row, "unknown indicator '%s'", row->field[2]);
                goto out;
            }
            r->instead = xrealloc(r->instead, 2 * (r->ninstead + 1) * sizeof(*r->instead));
            r->instead[2 * r->ninstead] = xstrdup(row->field[1]);
            r->instead[2 * r->ninstead + 1] = xstrdup(row->field[2]);
            r->ninstead++;
        } else {
            err = tmpl_error(&tf, row, "unknown setting '%s' or missing field (level, threshold, "
                                       "class, part, whole, scope, narrow, instead, within, yield, own, group, link, form, "
                                       "elided, people, beneficiary, naming, cumulative, each)", kind);
            goto out;
        }
    }
    if ((err = load_self_words(r, tdir)))
        goto out;
    {
        const marker *all[6] = { r->part, r->whole, r->scope, r->narrow, r->cumul, r->each };
        size_t nall[6] = { r->npart, r->nwhole, r->nscope, r->nnarrow, r->ncumul, r->neach };
        size_t total = r->npart + r->nwhole + r->nscope + r->nnarrow + r->ncumul + r->neach;
        r->mark_cp = xcalloc(total + 1, sizeof(*r->mark_cp));
        for (int k = 0; k < 6; k++)
            for (size_t i = 0; i < nall[k]; i++) {
                int n;
                uint32_t cp = utf8_decode(all[k][i].word, &n);
                r->mark_cp[r->nmark_first++] = cp;
                if (cp < 65536)
                    r->mark_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
            }
    }
out:
    tmpl_release(&tf);
    return err;
}

/* Does a marker start with @p cp? Asked at every character of every
 * article: a bit for the BMP, the list past it. */
static int is_mark_first(const ind_rules *r, uint32_t cp)
{
    if (cp < 65536)
        return (r->mark_bits[cp >> 3] >> (cp & 7)) & 1;
    for (size_t i = 0; i < r->nmark_first; i++)
        if (r->mark_cp[i] == cp)
            return 1;
    return 0;
}

/* The row that stands for @p id where the catalogue has none of that name
 * (health.served is health.patients), else @p id. */
static const char *instead_of(const ind_rules *r, const char *id)
{
    for (size_t i = 0; i < r->ninstead; i++)
        if (!strcmp(r->instead[2 * i], id))
            return r->instead[2 * i + 1];
    return id;
}

static int word_cmp(const void *a, const void *b)
{
    const ind_word *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    return c ? c : x->ind - y->ind;
}

static const ind_rules *sort_rules;
static int by_length(const void *a, const void *b)
{
    size_t lx = strlen(sort_rules->w[*(const size_t *)a].word),
           ly = strlen(sort_rules->w[*(const size_t *)b].word);
    return lx > ly ? -1 : lx < ly;
}

/* The words by their first character, so that a scan asks one table per
 * character of the article, as the gazetteer scan does: a PCRE2
 * alternation of hundreds of words tries too many branches at each. The
 * index keeps list order, so longest first. */
static void index_first_chars(ind_rules *r)
{
    size_t n = 0;
    r->byfirst = xcalloc(r->nw + 1, sizeof(*r->byfirst));
    for (size_t i = 0; i < r->nw; i += r->w[i].same)
        r->byfirst[n++] = i;
    sort_rules = r; /* loading is single-threaded */
    qsort(r->byfirst, n, sizeof(*r->byfirst), by_length);
    r->longest = xcalloc(n + 1, sizeof(*r->longest));
    for (size_t k = 0; k < n; k++)
        r->longest[k] = r->w[r->byfirst[k]].word;
    word_index_init(&r->first, r->longest, n);
}

static ls_error load_words(ind_rules *r, const char *tdir)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "indicator_words.tsv", 3);
    if (err)
        goto out;
    r->w = xcalloc(tf.nrows + 1, sizeof(*r->w));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        ind_word *w = &r->w[r->nw];
        const char *id = row->field[0];
        char *end;
        w->weight = strtod(row->field[2], &end);
        if (*end || end == row->field[2]) {
            err = tmpl_error(&tf, row, "weight '%s' is not a number", row->field[2]);
            goto out;
        }
        w->noun_weight = w->weight;
        if (row->nfield > 3 && *row->field[3]) {
            w->noun_weight = strtod(row->field[3], &end);
            if (*end || end == row->field[3]) {
                err = tmpl_error(&tf, row, "noun weight '%s' is not a number", row->field[3]);
                goto out;
            }
        }
        if (!strcmp(id, "-")) {
            w->ind = -1;
            w->none = 1;
            for (int c = 0; c < CAT_MAX; c++)
                w->generic[c] = -1;
        } else if (!strncmp(id, "*.", 2)) {
            /* the row of the figure's own group, else general's */
            int any = 0;
            w->ind = -1;
            for (int c = 0; c < CAT_MAX; c++) {
                char *full = xstrfmt("%s.%s", cat_parts[c], id + 2);
                char *gen = xstrfmt("general.%s", id + 2);
                w->generic[c] = ind_find(r, instead_of(r, full));
                /* the general rows are for residents at large: a figure
                 * about job seekers is not theirs */
                if (w->generic[c] < 0 && (c == CAT_OTHER || c == CAT_GOVERNANCE || c == CAT_HEALTH))
                    w->generic[c] = ind_find(r, instead_of(r, gen));
                any |= w->generic[c] >= 0;
                free(full);
                free(gen);
            }
            if (!any) {
                err = tmpl_error(&tf, row, "no indicator ends in '%s'", id + 1);
                goto out;
            }
        } else {
            w->ind = ind_find(r, id);
            if (w->ind < 0) {
                err = tmpl_error(&tf, row, "unknown indicator '%s' (not in indicators.tsv)", id);
                goto out;
            }
        }
        if (!*row->field[1]) {
            err = tmpl_error(&tf, row, "empty word");
            goto out;
        }
        w->word = xstrdup(row->field[1]);
        w->len = strlen(w->word);
        r->nw++;
    }
    qsort(r->w, r->nw, sizeof(*r->w), word_cmp);
    for (size_t i = 0, j; i < r->nw; i = j) {
        for (j = i + 1; j < r->nw && !strcmp(r->w[j].word, r->w[i].word); j++)
            ;
        r->w[i].same = j - i;
    }
    index_first_chars(r);
out:
    tmpl_release(&tf);
    return err;
}

ls_error ind_rules_load(ind_rules **out, const char *tdir)
{
    ind_rules *r = xcalloc(1, sizeof(*r));
    ls_error err;
    if ((err = load_catalogue(r, tdir)) || (err = load_settings(r, tdir)) ||
        (err = load_words(r, tdir))) {
        ind_rules_free(r);
        *out = NULL;
        return err;
    }
    *out = r;
    return LS_OK;
}

/* The first hit at or after byte @p a. */
static size_t first_hit(const hit *h, size_t nh, size_t a)
{
    size_t lo = 0, hi = nh;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h[mid].a < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The longest word of the catalogue at s[pos..len), whose first character
 * is @p cp, or (size_t)-1. */
static size_t word_at(const ind_rules *r, const char *s, size_t len, size_t pos, uint32_t cp)
{
    size_t n;
    const uint32_t *k = word_index_at(&r->first, cp, &n);
    for (size_t i = 0; i < n; i++) {
        size_t w = r->byfirst[k[i]];
        if (r->w[w].len <= len - pos && !memcmp(s + pos, r->w[w].word, r->w[w].len))
            return w;
    }
    return (size_t)-1;
}

/* Add the word at @p pos, unless a longer one before it holds it (服务 in
 * 志愿服务). The next word may start inside one found: 健康守护站活动 holds
 * 健康守护站 (a station) and 守护站活动 (an event). */
static void add_hit(const ind_rules *r, hit **v, size_t *n, size_t *alloc, size_t pos, size_t w)
{
    if (w == (size_t)-1 || (*n && pos + r->w[w].len <= (*v)[*n - 1].b))
        return;
    ALLOC_GROW(*v, *n + 1, *alloc);
    (*v)[(*n)++] = (hit){ pos, pos + r->w[w].len, w };
}

/* Every word of the catalogue in s[0..len), in text order. */
static size_t find_hits(const ind_rules *r, const char *s, size_t len, hit **out)
{
    size_t n = 0, alloc = 0;
    int cl;
    *out = NULL;
    for (size_t pos = 0; pos < len; pos += (size_t)(cl > 0 ? cl : 1)) {
        uint32_t cp = utf8_decode(s + pos, &cl);
        add_hit(r, out, &n, &alloc, pos, word_at(r, s, len, pos, cp));
    }
    return n;
}

/* Add @p lw times the weight of each distinct word in [a, b) to the row it
 * names for a figure of category @p cat; words that say "not this row"
 * only when @p vetoes (the counted noun). Returns how many words found
 * name a thing no row counts. */
static int score_span(const ind_rules *r, const hit *h, size_t nh, size_t a, size_t b,
                      double lw, ls_category cat, int vetoes, double *score)
{
    int none = 0;
    size_t lo = 0, hi = nh, first;
    if (lw == 0 || a >= b)
        return 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h[mid].a < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = first = lo; i < nh && h[i].a < b; i++) {
        size_t j;
        if (h[i].b > b)
            continue;
        for (j = first; j < i && h[j].w != h[i].w; j++) /* each word once a level */
            ;
        if (j < i)
            continue;
        for (size_t k = h[i].w; k < h[i].w + r->w[h[i].w].same; k++) {
            int ind = r->w[k].ind >= 0 ? r->w[k].ind : r->w[k].generic[cat], twice = 0;
            none += r->w[k].none * (r->w[k].weight > 1 ? 2 : 1);
            /* "not this row" is said of the counted noun, not of its context */
            if (ind < 0 || (r->w[k].weight < 0 && !vetoes))
                continue;
            /* two of the word's rows may stand for one (*.served and
             * *.services at a health event): the word counts once there,
             * with the larger weight */
            for (size_t e = h[i].w; e < h[i].w + r->w[h[i].w].same && !twice; e++) {
                double we = vetoes ? r->w[e].noun_weight : r->w[e].weight;
                double wk = vetoes ? r->w[k].noun_weight : r->w[k].weight;
                twice = e != k &&
                        (r->w[e].ind >= 0 ? r->w[e].ind : r->w[e].generic[cat]) == ind &&
                        (r->w[e].weight >= 0 || vetoes) && (we > wk || (we == wk && e < k));
            }
            if (twice)
                continue;
            /* the noun's levels (vetoes) weigh what a word says as the
             * counted noun: 社区 says little as context, all in 八个社区 */
            score[ind] += lw * (vetoes ? r->w[k].noun_weight : r->w[k].weight);
        }
    }
    return none;
}

/* Which rows a figure may take: its unit must be one of the row's; only
 * daily rows take per-day figures, and daily rows take nothing else; a
 * standard is a standard whatever its period. */
static size_t unit_index(const ind_rules *r, const char *unit)
{
    size_t u;
    for (u = 0; u < r->nunits && strcmp(r->units[u], unit); u++)
        ;
    return u;
}

static void rows_for(const ind_rules *r, const ls_figure *f, unsigned char *ok)
{
    int daily = !strcmp(f->period, "日");
    size_t u = unit_index(r, f->unit);
    for (size_t k = 0; k < r->ndef; k++) {
        const ind_def *d = &r->def[k];
        ok[k] = u < r->nunits && r->takes[k * r->nunits + u] &&
                (d->kind == KIND_STANDARD || (d->kind == KIND_DAILY) == daily);
    }
}

/* Does row @p k take the unit @p unit? */
static int row_takes(const ind_rules *r, int k, const char *unit)
{
    size_t u = unit_index(r, unit);
    return u < r->nunits && r->takes[(size_t)k * r->nunits + u];
}

/* Where the markers of one kind stand in an article, in text order. */
typedef struct {
    size_t a, b;
    const marker *m;
} marker_at;

typedef struct {
    marker_at *v;
    size_t n, alloc;
} marker_index;

/* Where each kind of marker stands in an article, found in one pass. */
typedef struct {
    marker_index part, whole, scope, narrow, cumul, each;
} article_marks;

static void add_markers(marker_index *ix, const marker *m, size_t nm, const char *s, size_t len,
                        size_t pos)
{
    for (size_t k = 0; k < nm; k++) {
        size_t wl;
        if (m[k].word[0] != s[pos] ||
            (m[k].word[1] && (pos + 1 >= len || m[k].word[1] != s[pos + 1])))
            continue; /* most markers differ in their first bytes */
        wl = strlen(m[k].word);
        if (wl <= len - pos && !memcmp(s + pos, m[k].word, wl)) {
            ALLOC_GROW(ix->v, ix->n + 1, ix->alloc);
            ix->v[ix->n++] = (marker_at){ pos, pos + wl, &m[k] };
        }
    }
}

/* One pass over the article: its words, and where each kind of marker
 * stands, so that each figure asks sorted lists. */
static size_t scan_article(const ind_rules *r, const text_doc *doc, hit **h, article_marks *mk)
{
    size_t n = 0, alloc = 0;
    int cl;
    *h = NULL;
    for (size_t pos = 0; pos < doc->len; pos += (size_t)(cl > 0 ? cl : 1)) {
        uint32_t cp = utf8_decode(doc->s + pos, &cl);
        add_hit(r, h, &n, &alloc, pos, word_at(r, doc->s, doc->len, pos, cp));
        if (is_mark_first(r, cp)) {
            add_markers(&mk->part, r->part, r->npart, doc->s, doc->len, pos);
            add_markers(&mk->whole, r->whole, r->nwhole, doc->s, doc->len, pos);
            add_markers(&mk->scope, r->scope, r->nscope, doc->s, doc->len, pos);
            add_markers(&mk->narrow, r->narrow, r->nnarrow, doc->s, doc->len, pos);
            add_markers(&mk->cumul, r->cumul, r->ncumul, doc->s, doc->len, pos);
            add_markers(&mk->each, r->each, r->neach, doc->s, doc->len, pos);
        }
    }
    return n;
}

/* The last marker wholly inside [a, b), or NULL. */
static const marker_at *last_marker(const marker_index *ix, size_t a, size_t b)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) { /* the first marker starting at or after b */
        size_t mid = (lo + hi) / 2;
        if (ix->v[mid].a < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0 && ix->v[lo - 1].a >= a) {
        if (ix->v[lo - 1].b <= b)
            return &ix->v[lo - 1];
        lo--;
    }
    return NULL;
}

/* Does the division name s[0..len) have @p ending as its longest listed
 * ending (幸福社区 ends in 社区, not in 区)? */
static int has_ending(const ind_rules *r, const char *s, size_t len, const char *ending)
{
    for (size_t i = 0; i < r->nends; i++) {
        size_t el = strlen(r->ends[i]);
        if (el <= len && !memcmp(s + len - el, r->ends[i], el))
            return !strcmp(r->ends[i], ending);
    }
    return 0;
}

/*
 * Is a scope word before the figure in its sentence (全市, 我区) about a
 * place wider than the article's? The word names the nearest division of
 * the locality's path whose name has its ending: the locality itself is
 * fine, an ancestor is wider. "*" (全国) is wider than any locality.
 */
static int wider_scope(const ind_rules *r, const marker_index *scope, const loc_result *loc,
                       size_t sa, size_t fa)
{
    const marker_at *at = last_marker(scope, sa, fa);
    const marker *m = at ? at->m : NULL;
    const char *p, *name_end;
    if (!at)
        return 0;
    if (!strcmp(m->suffix, "*"))
        return 1;
    if (!loc->found || !loc->path)
        return 0;
    /* the path runs from the province to the locality, space-separated:
     * walk it from the end */
    name_end = loc->path + strlen(loc->path);
    for (p = name_end; p >= loc->path; p--) {
        if (p == loc->path || p[-1] == ' ') {
            size_t len = (size_t)(name_end - p);
            if (has_ending(r, p, len, m->suffix))
                return name_end != loc->path + strlen(loc->path);
            if (p == loc->path)
                break;
            name_end = p - 1;
        }
    }
    return 0;
}

/* Does a word ending at @p b stand right before a figure at @p at, with at
 * most a linking word between (志愿者45名, 岗位达300个)? */
static int adjacent(const ind_rules *r, const char *s, size_t b, size_t at)
{
    if (b == at)
        return 1;
    for (size_t i = 0; i < r->nlink; i++) {
        size_t wl = strlen(r->link[i].word);
        if (b + wl == at && !memcmp(s + b, r->link[i].word, wl))
            return 1;
    }
    return 0;
}

/* Does s[a..b) end with one of the markers? */
static int ends_with_marker(const marker *m, size_t nm, const char *s, size_t a, size_t b)
{
    for (size_t i = 0; i < nm; i++) {
        size_t wl = strlen(m[i].word);
        if (b >= a + wl && !memcmp(s + b - wl, m[i].word, wl))
            return 1;
    }
    return 0;
}

/* Does the figure at @p at count those a service reached (为86户特困家庭
 * 送去物资)? The text before it in [a, at) ends with a beneficiary word,
 * a scope word (为全县1.2万名老人) allowed between, and not with a verb
 * that says what they are (认定为). */
static int for_beneficiaries(const ind_rules *r, const char *s, size_t a, size_t at)
{
    for (size_t i = 0; i < r->nscope; i++) {
        size_t wl = strlen(r->scope[i].word);
        if (at >= a + wl && !memcmp(s + at - wl, r->scope[i].word, wl)) {
            at -= wl;
            break;
        }
    }
    return !ends_with_marker(r->naming, r->nnaming, s, a, at) &&
           ends_with_marker(r->benef, r->nbenef, s, a, at);
}

/* Where the people counted at @p b form something (559名网格员、党员成立
 * 志愿服务队): the start of what they form, or 0. Only a list of nouns
 * (、…) may stand between them and the verb. */
static size_t formed_at(const ind_rules *r, const char *s, size_t b, size_t end)
{
    if (b < end && (end - b < 3 || memcmp(s + b, "、", 3))) {
        for (size_t i = 0; i < r->nform; i++) {
            size_t wl = strlen(r->form[i].word);
            if (b + wl <= end && !memcmp(s + b, r->form[i].word, wl))
                return b + wl;
        }
        return 0;
    }
    for (size_t p = b; p < end; p++)
        for (size_t i = 0; i < r->nform; i++) {
            size_t wl = strlen(r->form[i].word);
            if (p + wl <= end && !memcmp(s + p, r->form[i].word, wl))
                return p + wl;
        }
    return 0;
}

/* Where the sentence before the one starting at @p sa begins, within its
 * paragraph (from @p line_start); @p sa when there is none. */
static size_t sentence_before(const text_doc *doc, size_t sa, size_t line_start)
{
    size_t pa = sa, pb, mark = sa > line_start ? utf8_prev(doc->s, sa) : sa;
    if (mark > line_start) { /* from inside it, before its end mark */
        text_span(doc, utf8_prev(doc->s, mark), 0, &pa, &pb);
        if (pa < line_start)
            pa = line_start;
    }
    return pa;
}

/* Is figure @p i of @p v, in a sentence from @p sa, a running total? Its
 * marker stands between it and the figure before it in the sentence: in
 * 累计帮扶学生27人次,申请救助金1.7万元 only the first is one. */
static const marker_at *running_total(const marker_index *cumul, const ls_figure *v, size_t sa,
                                      size_t i)
{
    size_t a = i && v[i - 1].end > sa ? v[i - 1].end : sa;
    return last_marker(cumul, a, v[i].start);
}

/* Are the units in one class (a unit in none is a class of its own)? */
static int same_class(const ind_rules *r, const char *a, const char *b)
{
    int ca = ind_class_of(r, a), cb = ind_class_of(r, b);
    return ca >= 0 ? ca == cb : !strcmp(a, b);
}

static int rounder(double t, double b)
{
    double d = t > b ? t - b : b - t;
    return t != b && d <= 0.3 * (t > b ? t : b);
}

void ind_assign(const ind_rules *r, const text_doc *doc, const loc_result *loc, ls_figure *v,
                size_t n, const text_context *ctx)
{
    hit *h = NULL;
    article_marks mk;
    size_t nh;
    memset(&mk, 0, sizeof(mk));
    nh = scan_article(r, doc, &h, &mk);
    double *score = xcalloc(r->ndef + 1, sizeof(*score));
    double *noun = xcalloc(r->ndef + 1, sizeof(*noun));
    double *one = xcalloc(r->ndef + 1, sizeof(*one));
    double *neg = xcalloc(r->ndef + 1, sizeof(*neg));
    unsigned char *ok = xcalloc(r->ndef + 1, 1);
    struct spans {
        size_t ca, cb, sa, sb; /* clause and sentence */
        size_t ga;             /* the figure's own stretch of its clause */
    } *sp = xcalloc(n + 1, sizeof(*sp));

    for (size_t i = 0; i < n; i++) {
        ls_figure *f = &v[i];
        size_t ca, cb, sa, sb, ga, gb, li = text_line_at(doc, f->start);
        const text_line *l = &doc->lines[li];
        double best = 0;
        int bi = -1, named = 0, other, before, bare, head_none = 0, after = 0, benef, each;
        hit *nhits;
        size_t nn;

        f->ind = 0;
        rows_for(r, f, ok);
        /* a per-day figure may be chosen for a row that yields to a daily
         * one (日均服务老人300余人次 by a canteen counts diners a day): such
         * a row is a candidate (2), never the answer */
        if (!strcmp(f->period, "日"))
            for (size_t k = 0; k < r->nwithin; k++) {
                int a = r->within[2 * k], b = r->within[2 * k + 1];
                if (ok[b] && r->def[b].kind == KIND_DAILY && row_takes(r, a, f->unit))
                    ok[a] = 2;
            }
        memset(noun, 0, r->ndef * sizeof(*noun));
        memset(neg, 0, r->ndef * sizeof(*neg));
        memset(score, 0, r->ndef * sizeof(*score));
        /* extract found them; else figures of one clause or sentence
         * share it: look once */
        if (ctx) {
            ca = ctx[i].clause_start;
            cb = ctx[i].clause_end;
        } else if (i && f->start >= sp[i - 1].ca && f->start < sp[i - 1].cb) {
            ca = sp[i - 1].ca;
            cb = sp[i - 1].cb;
        } else {
            text_span(doc, f->start, 1, &ca, &cb);
        }
        if (ctx) {
            sa = ctx[i].sentence_start;
            sb = ctx[i].sentence_end;
        } else if (i && f->start >= sp[i - 1].sa && f->start < sp[i - 1].sb) {
            sa = sp[i - 1].sa;
            sb = sp[i - 1].sb;
        } else {
            text_span(doc, f->start, 0, &sa, &sb);
        }
        sp[i] = (struct spans){ ca, cb, sa, sb, 0 };
        /* the figure's own stretch of its clause: from the figure before
         * it to the figure after it */
        ga = i && v[i - 1].end > ca && v[i - 1].end <= f->start ? v[i - 1].end : ca;
        gb = i + 1 < n && v[i + 1].start < cb && v[i + 1].start >= f->end ? v[i + 1].start : cb;
        sp[i].ga = ga;
        if (!memchr(ok, 1, r->ndef))
            continue; /* no row takes its unit and period: nothing to weigh */
        {
            /* the head of the noun is the word nearest the figure: the last
             * of 义诊共出动医护人员131人, the first of 120名志愿者陪伴独居老人 */
            size_t len = strlen(f->indicator), at = f->end, na = 0;
            int found;
            double w = r->level_weight[LV_NOUN];
            if (at + 3 <= doc->len && !memcmp(doc->s + at, "的", 3))
                at += 3;
            after = len && at + len <= doc->len && !memcmp(doc->s + at, f->indicator, len);
            found = after;
            na = at;
            /* a noun before the figure may end a linking verb before it */
            for (size_t k = f->start; !found && len && k >= ga + len; k--)
                if (!memcmp(doc->s + k - len, f->indicator, len)) {
                    na = k - len;
                    found = 1;
                }
            if (found) { /* its words are the article's, found once */
                size_t k0 = first_hit(h, nh, na);
                nhits = h ? h + k0 : NULL;
                for (nn = 0; k0 + nn < nh && nhits[nn].a < na + len; nn++)
                    if (nhits[nn].b > na + len)
                        break;
                /* people who form a team are counted as its members: the
                 * team names the figure where it names a row of its unit */
                size_t fa = after ? formed_at(r, doc->s, na + len, gb) : 0;
                size_t t = fa ? first_hit(h, nh, fa) : nh;
                if (t < nh && h[t].a <= fa + 9 && h[t].b <= gb) {
                    int names = 0;
                    memset(one, 0, r->ndef * sizeof(*one));
                    score_span(r, &h[t], 1, h[t].a, h[t].b, w, f->category, 1, one);
                    for (size_t d = 0; d < r->ndef; d++)
                        names |= ok[d] && one[d] >= r->threshold;
                    if (names) {
                        nhits = &h[t];
                        nn = 1;
                    }
                }
            } else { /* a noun put together from pieces (quotes removed) */
                nn = find_hits(r, f->indicator, len, &nhits);
            }
            other = 0;
            for (size_t k = 0; k < nn; k++) {
                const hit *x = &nhits[after ? k : nn - 1 - k];
                memset(one, 0, r->ndef * sizeof(*one));
                other += score_span(r, x, 1, x->a, x->b, w, f->category, 1, one);
                /* a row is named by its strongest word, not by the most
                 * words: 高龄 says more than 辖区, 共有 and 老人 together */
                for (size_t d = 0; d < r->ndef; d++)
                    if (one[d] < 0)
                        neg[d] += one[d];
                    else if (one[d] > noun[d])
                        noun[d] = one[d];
                if (!k)
                    head_none = score_span(r, x, 1, x->a, x->b, r->level_weight[LV_HEAD],
                                           f->category, 1, score);
            }
            /* a noun before the figure holds the word right before it */
            before = !after && nn;
            bare = !nn;
            if (!found)
                free(nhits);
        }
        if (!before) {
            /* a word right before the figure names it too, whatever the
             * phrase after it says: 组织志愿者45名为儿童辅导 */
            size_t at = f->start, lo = 0, hi = nh;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (h[mid].b <= at)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo > 0 && h[lo - 1].a >= ga && adjacent(r, doc->s, h[lo - 1].b, at)) {
                /* and says "not this row" as the noun would: in
                 * 针对4名外出党员 the members are what a measure aims at */
                const hit *x = &h[lo - 1];
                memset(one, 0, r->ndef * sizeof(*one));
                other += score_span(r, x, 1, x->a, x->b, r->level_weight[LV_NOUN], f->category,
                                    1, one);
                for (size_t d = 0; d < r->ndef; d++) {
                    if (one[d] < 0)
                        neg[d] += one[d];
                    else
                        noun[d] += one[d];
                }
                bare = 0;
            }
        }
        /* a figure with a verb before it and nothing after it has had its
         * noun left out: 至今已开了5家。 */
        if (bare && f->end < doc->len && !strchr(",;:!?\n", doc->s[f->end]) &&
            (doc->len - f->end < 3 || memcmp(doc->s + f->end, "。", 3)))
            bare = 0;
        if (bare && !ends_with_marker(r->elided, r->nelided, doc->s, ga, f->start))
            bare = 0;
        if (bare && i && v[i - 1].ind > 0 && v[i - 1].start >= sa &&
            same_class(r, v[i - 1].unit, f->unit) && ok[v[i - 1].ind - 1]) {
            /* in the unit of the figure just before it, it counts the same
             * thing: 目标培训2000人次,已完成1500人次 */
            noun[v[i - 1].ind - 1] = r->level_weight[LV_NOUN] * WORD_NAMES;
        } else if (bare) {
            /* a measure word with its noun left out (至今已开了5家) counts
             * the last thing named before it, in this sentence or the one
             * before in the paragraph, that is counted in this unit */
            size_t pa = sentence_before(doc, sa, l->start), k = first_hit(h, nh, f->start);
            while (k-- > 0 && h[k].a >= pa) {
                int names = 0;
                memset(one, 0, r->ndef * sizeof(*one));
                score_span(r, &h[k], 1, h[k].a, h[k].b, r->level_weight[LV_NOUN], f->category, 1,
                           one);
                for (size_t d = 0; d < r->ndef; d++)
                    names |= ok[d] && one[d] >= r->level_weight[LV_NOUN] * WORD_NAMES;
                if (names) {
                    for (size_t d = 0; d < r->ndef; d++)
                        if (one[d] > 0)
                            noun[d] = one[d];
                    break;
                }
            }
        }
        for (size_t k = 0; k < r->ndef; k++)
            score[k] += noun[k];
        {
            /* examples listed before 等 say less than what follows it:
             * 义诊、文艺演出等志愿服务563次 counts volunteer services */
            size_t ex = ga;
            for (size_t k = ga; k + 3 <= f->start; k += (size_t)utf8_len((unsigned char)doc->s[k]))
                if (!memcmp(doc->s + k, "等", 3))
                    ex = k;
            size_t lead = ga;
            if (ex > ga) {
                /* the verb before the list governs the figure: in 培训待业
                 * 群体、宝妈等群体500余人次, 培训 is no example. The first
                 * word counts in full unless it is a list item itself
                 * (义诊、…) */
                size_t k0 = first_hit(h, nh, ga);
                if (k0 < nh && h[k0].b <= ex && strncmp(doc->s + h[k0].b, "、", 3))
                    lead = h[k0].b;
                score_span(r, h, nh, ga, lead, r->level_weight[LV_SEGMENT], f->category, 0, score);
            }
            score_span(r, h, nh, lead, ex, r->level_weight[LV_EXAMPLES], f->category, 0, score);
            score_span(r, h, nh, ex, gb, r->level_weight[LV_SEGMENT], f->category, 0, score);
            /* a list shares its verb: in 约有1190名老人,1429名儿童 the second
             * figure, with no word of its own before it, is also 约有 */
            if (i && sp[i - 1].sa == sa && first_hit(h, nh, ga) == first_hit(h, nh, f->start))
                score_span(r, h, nh, sp[i - 1].ga, v[i - 1].start, r->level_weight[LV_SEGMENT],
                           f->category, 0, score);
        }
        score_span(r, h, nh, ca, cb, r->level_weight[LV_CLAUSE], f->category, 0, score);
        score_span(r, h, nh, sa, sb, r->level_weight[LV_SENTENCE], f->category, 0, score);
        if (l->heading >= 0)
            score_span(r, h, nh, doc->lines[l->heading].start, doc->lines[l->heading].end,
                       r->level_weight[LV_HEADING], f->category, 0, score);
        benef = for_beneficiaries(r, doc->s, ga, f->start);
        each = last_marker(&mk.each, ga, f->start) != NULL;
        /* the counted noun decides when it clearly names a row: context
         * only chooses among the rows it names */
        for (size_t k = 0; k < r->ndef; k++)
            named |= noun[k] >= r->threshold && ok[k] && !(benef && r->def[k].kind == KIND_SIZE);
        for (size_t k = 0; k < r->ndef; k++) {
            double s = score[k];
            /* a per-unit amount is marked by 每人, /天 …, never by its noun */
            /* a word of the noun that says "not this row" settles it */
            if (s < r->threshold || !ok[k] || neg[k] < 0 ||
                (named && noun[k] < r->threshold && r->def[k].kind != KIND_STANDARD))
                continue;
            /* those a service reached are no population or register */
            if (benef && r->def[k].kind == KIND_SIZE)
                continue;
            /* so much for each one (每个网格配备1名网格员) is a standard */
            if (each && r->def[k].kind != KIND_STANDARD)
                continue;
            /* a row for one group (indicate.tsv "group") takes a figure
             * about that group, or one whose noun names the row outright */
            if (r->def[k].group && r->def[k].cat != f->category &&
                noun[k] < r->level_weight[LV_NOUN] * WORD_NAMES)
                continue;
            /* the figure's own group breaks near ties: 诊疗老人 at a clinic
             * is a service to older people */
            if (r->def[k].cat == f->category)
                s += r->level_weight[LV_CATEGORY];
            if (s > best) {
                best = s;
                bi = (int)k;
            }
        }
        /* a generic row yields to the specific one its sentence names,
         * if the figure fits it: 累计服务2万余人次 in a sentence about a
         * canteen (助餐, 就餐) counts meals, which elderly.services leaves out */
        for (size_t k = 0; bi >= 0 && k < r->nwithin; k++) {
            int to = r->within[2 * k + 1];
            if (r->within[2 * k] != bi || ok[to] != 1)
                continue;
            memset(one, 0, r->ndef * sizeof(*one));
            score_span(r, h, nh, sa, sb, 1, f->category, 0, one);
            if (one[to] >= WORD_TYPICAL)
                bi = to;
            break;
        }
        /* a row for everyone yields to the row of the figure's group: the
         * people examined at a check-up for older people are services to
         * older people (健康体检3200人 -> elderly.served) */
        for (size_t k = 0; bi >= 0 && k < r->nyield; k++) {
            const struct yield *y = &r->yield[k];
            if (y->from != bi)
                continue;
            for (int t = 0; t < 2; t++)
                if (y->to[f->category][t] >= 0 && ok[y->to[f->category][t]] == 1) {
                    bi = y->to[f->category][t];
                    break;
                }
            break;
        }
        if (bi >= 0 && ok[bi] == 2)
            bi = -1;
        /* a noun that names a thing no row counts (工作人员, 小区), and
         * no row, is not for the comparison whatever its context; one
         * that says the figure is a scale (规模) never is */
        /* its head too: in 跨省务工的农村劳动力
         * 5万人, 务工 only says which labour force. A verb after people
         * tells what became of them (680名劳动力实现转移就业), unless it
         * has a figure of its own (32.27万劳动力实现就业26.79万人); after
         * places it tells what was done there (12个小区加装路灯) */
        if (head_none && after && gb == cb && r->people &&
            ind_class_of(r, f->unit) == ind_class_of(r, r->people))
            head_none = 0;
        if (bi >= 0 && (named || !other) && other < 2 && !head_none)
            f->ind = bi + 1;
        if (ls_verbosity >= 3) {
            fprintf(stderr, "locstat: indicator %s (%s):", f->surface, f->indicator);
            for (size_t k = 0; k < r->ndef; k++)
                if (score[k] != 0 && ok[k])
                    fprintf(stderr, " %s=%.1f", r->def[k].id, score[k]);
            for (size_t k = 0; k < r->ndef; k++)
                if (noun[k] != 0 && ok[k])
                    fprintf(stderr, " noun:%s=%.1f", r->def[k].id, noun[k]);
            fprintf(stderr, " -> %s\n", f->ind ? r->def[f->ind - 1].id : "-");
        }
        if (f->ind && wider_scope(r, &mk.scope, loc, sa, f->start))
            f->ind = 0;
        /* a population or a rate is the whole place's: one stated for a
         * place inside it (沙沿社区 in a street's story, 安中小区) is not
         * the locality's, nor is what describes that place (its
         * communities); what is done there still adds to its totals */
        if (f->ind &&
            (r->def[f->ind - 1].kind == KIND_SIZE || r->def[f->ind - 1].kind == KIND_RATE ||
             r->def[f->ind - 1].own) &&
            (f->place || last_marker(&mk.narrow, ca, f->start)))
            f->ind = 0;
    }

    /* parts and wholes, within a sentence: 全年出资2301万元，其中市级72万元…
     * and 甲10个、乙20个，共计30个 count the whole once */
    for (size_t i = 0; i < n; i++) {
        ls_figure *f = &v[i];
        size_t sa = sp[i].sa, p;
        const marker_at *pm;
        if (!f->ind)
            continue;
        /* a list of parts runs on over semicolons: 其中市级…；区级… */
        while (sa > 0 && doc->s[sa - 1] == ';') {
            size_t pa, pb;
            text_span(doc, sa - 1, 0, &pa, &pb);
            if (pa >= sa - 1)
                break;
            sa = pa;
        }
        pm = last_marker(&mk.part, sa, f->start);
        p = pm ? pm->a : 0;
        /* figures are in text order: those of the sentence stand just before */
        for (size_t j = i; pm && j-- > 0 && v[j].start >= sa;)
            if (v[j].ind == f->ind && v[j].end <= p) {
                f->ind = -f->ind; /* settled below: later parts still see the whole */
                break;
            }
        if (f->ind > 0) {
            if (last_marker(&mk.whole, sp[i].ca, f->start))
                for (size_t j = i; j-- > 0 && v[j].start >= sa;)
                    if (abs(v[j].ind) == f->ind)
                        v[j].ind = -f->ind;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].ind < 0)
            v[i].ind = 0;

    /* a running total includes what its sentence, or the one before it in
     * its paragraph, reported before it, not itself a running total: in
     * 两天报名1200多人次。截至27日报名已超过1600人次 and 今年新建5个,累计
     * 建成30个 the earlier figure is in the later */
    for (size_t j = 0; j < n; j++) {
        size_t lj = text_line_at(doc, v[j].start), from = sp[j].sa;
        if (!v[j].ind || !running_total(&mk.cumul, v, sp[j].sa, j))
            continue;
        from = sentence_before(doc, from, doc->lines[lj].start);
        for (size_t i = j; i-- > 0 && v[i].start >= from;)
            if (v[i].ind == v[j].ind && same_class(r, v[i].unit, v[j].unit) &&
                v[i].status == v[j].status && v[i].value <= v[j].value &&
                !running_total(&mk.cumul, v, sp[i].sa, i))
                v[i].ind = 0;
    }

    /* a title that restates a body figure in rounder words (万余 for
     * 15000多) is the same fact: the body's figure carries it */
    for (size_t i = 0; i < n; i++) {
        ls_figure *t = &v[i];
        if (!t->ind || doc->lines[text_line_at(doc, t->start)].kind != LINE_TITLE)
            continue;
        for (size_t j = 0; j < n; j++)
            if (j != i && v[j].ind == t->ind && !strcmp(v[j].unit, t->unit) &&
                doc->lines[text_line_at(doc, v[j].start)].kind != LINE_TITLE &&
                rounder(t->value, v[j].value)) {
                t->ind = 0;
                break;
            }
    }
    free(score);
    free(noun);
    free(one);
    free(neg);
    free(ok);
    free(sp);
    free(mk.part.v);
    free(mk.whole.v);
    free(mk.scope.v);
    free(mk.narrow.v);
    free(mk.cumul.v);
    free(mk.each.v);
    free(h);
}
