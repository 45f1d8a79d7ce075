/* classify.c - categories from weighted keywords in nested context. */
#include "classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

enum level {
    LV_INDICATOR, LV_CLAUSE, LV_EXAMPLES, LV_SENTENCE, LV_PARAGRAPH, LV_SECTION, LV_HEADING,
    LV_TITLE, LV_ARTICLE, LV_MAX
};
static const char *const level_names[LV_MAX] = {
    "indicator", "clause", "examples", "sentence", "paragraph", "section", "heading", "title",
    "article",
};

typedef struct {
    char *word;
    size_t len;
    ls_category cat;
    double weight;
} keyword;

/* The keywords that begin with one character: kw[lo..hi) */
typedef struct {
    uint32_t cp;
    size_t lo, hi;
} first_range;

struct classify_rules {
    keyword *kw; /* sorted by word, for bsearch */
    size_t nkw;
    double level_weight[LV_MAX];
    double threshold;
    /* Keywords are found with a bit per first character and the range of
     * words it begins: PCRE2's start filter works on bytes, and Chinese
     * characters share their first bytes, so a word pattern is tried at
     * every character. */
    uint8_t first_bits[0x10000 / 8];
    first_range *first;
    size_t nfirst;
    char **share;  /* words that open a share of the figure before (占) */
    size_t nshare;
    const classify_rules *parent; /* a fork shares the parent's rules */
};

typedef struct {
    size_t a, b;
    size_t kw;
} hit;

void classify_rules_free(classify_rules *r)
{
    if (!r)
        return;
    if (!r->parent) {
        for (size_t i = 0; i < r->nkw; i++)
            free(r->kw[i].word);
        free(r->kw);
        free(r->first);
        for (size_t i = 0; i < r->nshare; i++)
            free(r->share[i]);
        free(r->share);
    }
    free(r);
}

classify_rules *classify_rules_fork(const classify_rules *r)
{
    classify_rules *f = xmalloc(sizeof(*f));
    *f = *r;
    f->parent = r;
    return f;
}

static int kw_cmp(const void *a, const void *b)
{
    const keyword *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    return c ? c : (int)x->cat - (int)y->cat;
}

ls_error classify_rules_load(classify_rules **out, const char *tdir)
{
    classify_rules *r = xcalloc(1, sizeof(*r));
    tmpl_file cat, lv;
    ls_error err;

    memset(&lv, 0, sizeof(lv));
    err = tmpl_load(&cat, tdir, "categories.tsv", 3);
    if (err)
        goto fail;
    r->kw = xcalloc(cat.nrows, sizeof(*r->kw));
    for (size_t i = 0; i < cat.nrows; i++) {
        tmpl_row *row = &cat.rows[i];
        keyword *k = &r->kw[r->nkw];
        char *end;
        k->cat = ls_category_parse(row->field[0]);
        if (k->cat == CAT_MAX) {
            err = tmpl_error(&cat, row, "unknown category '%s'", row->field[0]);
            goto fail;
        }
        k->weight = strtod(row->field[2], &end);
        if (*end || end == row->field[2]) {
            err = tmpl_error(&cat, row, "weight '%s' is not a number", row->field[2]);
            goto fail;
        }
        for (size_t j = 0; j < r->nkw; j++)
            if (!strcmp(r->kw[j].word, row->field[1]) && r->kw[j].cat == k->cat) {
                err = tmpl_error(&cat, row, "keyword '%s' is listed twice for %s", row->field[1],
                                 row->field[0]);
                goto fail;
            }
        k->word = xstrdup(row->field[1]);
        k->len = strlen(k->word);
        if (!k->len) {
            err = tmpl_error(&cat, row, "empty keyword");
            goto fail;
        }
        r->nkw++;
    }
    qsort(r->kw, r->nkw, sizeof(*r->kw), kw_cmp);
    /* sorted by bytes, the words of one first character are neighbours */
    r->first = xcalloc(r->nkw + 1, sizeof(*r->first));
    for (size_t i = 0; i < r->nkw; i++) {
        uint32_t cp = utf8_decode(r->kw[i].word, NULL);
        if (!r->nfirst || r->first[r->nfirst - 1].cp != cp)
            r->first[r->nfirst++] = (first_range){ cp, i, i };
        r->first[r->nfirst - 1].hi = i + 1;
        if (cp < 0x10000)
            r->first_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }

    err = tmpl_load(&lv, tdir, "classify.tsv", 2);
    if (err)
        goto fail;
    for (size_t i = 0; i < lv.nrows; i++) {
        tmpl_row *row = &lv.rows[i];
        double w = strtod(row->field[1], NULL);
        int k;
        if (!strcmp(row->field[0], "threshold")) {
            r->threshold = w;
            continue;
        }
        if (!strcmp(row->field[0], "share")) {
            if (!*row->field[1]) {
                err = tmpl_error(&lv, row, "empty share word");
                goto fail;
            }
            r->share = xrealloc(r->share, (r->nshare + 1) * sizeof(*r->share));
            r->share[r->nshare++] = xstrdup(row->field[1]);
            continue;
        }
        for (k = 0; k < LV_MAX && strcmp(row->field[0], level_names[k]); k++)
            ;
        if (k == LV_MAX) {
            err = tmpl_error(&lv, row, "unknown level '%s'", row->field[0]);
            goto fail;
        }
        r->level_weight[k] = w;
    }

    tmpl_release(&cat);
    tmpl_release(&lv);
    *out = r;
    return LS_OK;
fail:
    tmpl_release(&cat);
    tmpl_release(&lv);
    classify_rules_free(r);
    *out = NULL;
    return err;
}

/* The first of the keywords that begin with @p cp, or NULL. */
static const first_range *first_of(const classify_rules *r, uint32_t cp)
{
    size_t lo = 0, hi = r->nfirst;
    if (cp < 0x10000 && !(r->first_bits[cp >> 3] & (1u << (cp & 7))))
        return NULL;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->first[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nfirst && r->first[lo].cp == cp ? &r->first[lo] : NULL;
}

/* The keywords in s[0..len), leftmost first and longest at a position,
 * not overlapping: one hit per category a word belongs to. */
static size_t find_hits(const classify_rules *r, const char *s, size_t len, hit **out)
{
    size_t n = 0, alloc = 0;
    *out = NULL;
    for (size_t pos = 0; pos < len;) {
        int cl;
        const first_range *fr = first_of(r, utf8_decode(s + pos, &cl));
        size_t best = (size_t)-1;
        if (fr)
            for (size_t k = fr->lo; k < fr->hi; k++)
                if (r->kw[k].len <= len - pos && !memcmp(r->kw[k].word, s + pos, r->kw[k].len) &&
                    (best == (size_t)-1 || r->kw[k].len > r->kw[best].len))
                    best = k;
        if (best == (size_t)-1) {
            pos += (size_t)cl;
            continue;
        }
        /* the same word of other categories sorts right after it */
        for (size_t k = best; k < r->nkw && !strcmp(r->kw[k].word, r->kw[best].word); k++) {
            ALLOC_GROW(*out, n + 1, alloc);
            (*out)[n++] = (hit){ pos, pos + r->kw[k].len, k };
        }
        pos += r->kw[best].len;
    }
    return n;
}

/* Add to score @p w times each category's share of the weight of the
 * distinct keywords in [a, b): every level counts at most its weight, so a
 * long sentence full of keywords cannot drown the figure's own clause. */
static void score_span(const classify_rules *r, const hit *h, size_t nh, size_t a, size_t b,
                       double w, double *score, unsigned char *seen)
{
    double part[CAT_MAX] = { 0 }, total = 0;
    size_t lo = 0, hi = nh;
    if (w == 0 || a >= b)
        return;
    /* hits are in text order: start at the first one at or after a */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h[mid].a < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    memset(seen, 0, r->nkw);
    for (size_t i = lo; i < nh && h[i].a < b; i++) {
        if (h[i].b > b || seen[h[i].kw])
            continue;
        seen[h[i].kw] = 1;
        part[r->kw[h[i].kw].cat] += r->kw[h[i].kw].weight;
        total += r->kw[h[i].kw].weight;
    }
    /* a single weak hint is not a whole level's worth of evidence */
    if (total > 0 && total < r->threshold)
        total = r->threshold;
    for (int c = 0; c < CAT_MAX && total > 0; c++)
        score[c] += w * part[c] / total;
}

static ls_category decide(const double *score)
{
    int best = CAT_OTHER;
    double bs = 0;
    for (int c = 0; c < CAT_MAX; c++)
        if (score[c] > bs) {
            bs = score[c];
            best = c;
        }
    if (bs <= 0)
        return CAT_OTHER;
    /* old and young alike, nothing else to decide: other */
    if ((best == CAT_ELDERLY || best == CAT_CHILDREN) && score[CAT_ELDERLY] == score[CAT_CHILDREN])
        return CAT_OTHER;
    return (ls_category)best;
}

/* Does one category lead the others clearly (twice the next)? */
static int leads(const double *score)
{
    double a = 0, b = 0;
    for (int c = 0; c < CAT_MAX; c++)
        if (score[c] > a) {
            b = a;
            a = score[c];
        } else if (score[c] > b) {
            b = score[c];
        }
    return a > 0 && a >= 2 * b;
}

ls_category classify_phrase(const classify_rules *r, const char *text)
{
    double score[CAT_MAX] = { 0 };
    unsigned char *seen = xcalloc(r->nkw + 1, 1);
    hit *h;
    size_t nh = find_hits(r, text, strlen(text), &h);
    ls_category c;
    score_span(r, h, nh, 0, strlen(text), 1, score, seen);
    c = decide(score);
    free(h);
    free(seen);
    return c;
}

/* Where a clause lists examples before 等 (义诊、讲座等志愿服务活动), what
 * follows 等 is what the figure counts; return the end of the examples. */
static size_t examples_end(const text_doc *doc, size_t ca, size_t fa)
{
    size_t end = ca;
    for (size_t i = ca; i + 3 <= fa; i += (size_t)utf8_len((unsigned char)doc->s[i]))
        if (!strncmp(doc->s + i, "等", 3))
            end = i;
    return end;
}

void classify_figures(const classify_rules *r, const text_doc *doc, ls_figure *v, size_t n,
                      const text_context *ctx)
{
    hit *h = NULL;
    size_t nh = find_hits(r, doc->s, doc->len, &h);
    unsigned char *seen = xcalloc(r->nkw + 1, 1);
    double prior[CAT_MAX] = { 0 }, total = 0;
    struct {
        int done;
        double score[CAT_MAX]; /* paragraph, section and heading */
        double own[CAT_MAX];   /* paragraph and heading: the line's own */
    } *line_scores;

    /* the article's topic: each category's share of all keyword weight */
    for (size_t i = 0; i < nh; i++) {
        prior[r->kw[h[i].kw].cat] += r->kw[h[i].kw].weight;
        total += r->kw[h[i].kw].weight;
    }
    for (int c = 0; c < CAT_MAX; c++)
        prior[c] = total > 0 ? r->level_weight[LV_ARTICLE] * prior[c] / total : 0;
    for (size_t i = 0; i < doc->nlines; i++)
        if (doc->lines[i].kind == LINE_TITLE)
            score_span(r, h, nh, doc->lines[i].start, doc->lines[i].end,
                       r->level_weight[LV_TITLE], prior, seen);

    /* paragraph, section and heading are the same for every figure of a
     * line: score them once per line */
    line_scores = xcalloc(doc->nlines + 1, sizeof(*line_scores));
    for (size_t i = 0; i < n; i++) {
        ls_figure *f = &v[i];
        double score[CAT_MAX], here[CAT_MAX] = { 0 };
        int any = 0;
        size_t li = text_line_at(doc, f->start);
        const text_line *l = &doc->lines[li];
        size_t ca, cb, sa, sb, ex;
        hit *ih;
        size_t nih;

        if (!line_scores[li].done) {
            size_t sec_a, sec_b;
            double *ls = line_scores[li].score, *own = line_scores[li].own;
            score_span(r, h, nh, l->start, l->end, r->level_weight[LV_PARAGRAPH], own, seen);
            if (l->heading >= 0)
                score_span(r, h, nh, doc->lines[l->heading].start, doc->lines[l->heading].end,
                           r->level_weight[LV_HEADING], own, seen);
            for (int c = 0; c < CAT_MAX; c++)
                ls[c] = own[c];
            /* the section: from the heading above to the next heading */
            sec_a = l->heading >= 0 ? doc->lines[l->heading].end : 0;
            sec_b = doc->len;
            for (size_t k = li + 1; k < doc->nlines; k++)
                if (doc->lines[k].kind == LINE_HEADING) {
                    sec_b = doc->lines[k].start;
                    break;
                }
            /* no heading above: no section, only the article again */
            if (l->heading >= 0)
                score_span(r, h, nh, sec_a, sec_b, r->level_weight[LV_SECTION], ls, seen);
            line_scores[li].done = 1;
        }
        for (int c = 0; c < CAT_MAX; c++)
            score[c] = prior[c] + line_scores[li].score[c];
        if (ctx) {
            ca = ctx[i].clause_start, cb = ctx[i].clause_end;
            sa = ctx[i].sentence_start, sb = ctx[i].sentence_end;
        } else {
            text_span(doc, f->start, 1, &ca, &cb);
            text_span(doc, f->start, 0, &sa, &sb);
        }
        ex = examples_end(doc, ca, f->start);
        /* the figure's own surroundings: its clause, sentence and noun,
         * besides its paragraph and heading */
        score_span(r, h, nh, ca, ex, r->level_weight[LV_EXAMPLES], here, seen);
        score_span(r, h, nh, ex, cb, r->level_weight[LV_CLAUSE], here, seen);
        score_span(r, h, nh, sa, sb, r->level_weight[LV_SENTENCE], here, seen);
        nih = find_hits(r, f->indicator, strlen(f->indicator), &ih);
        score_span(r, ih, nih, 0, strlen(f->indicator), r->level_weight[LV_INDICATOR], here, seen);
        free(ih);
        for (int c = 0; c < CAT_MAX; c++) {
            score[c] += here[c];
            any |= here[c] > 0 || line_scores[li].own[c] > 0;
        }
        f->category = decide(score);
        /* nothing of its own, in a story about many groups: no group is
         * its (the topic decides only where one leads clearly) */
        if (!any && !leads(score))
            f->category = CAT_OTHER;
        /* a share (占全市户籍人口的19.75%) is of the figure before it in
         * its sentence, and is about whom that one is */
        if (i && v[i - 1].start >= sa && v[i - 1].end <= ca) {
            size_t a = ca;
            while (a < f->start && doc->s[a] == ' ')
                a++;
            for (size_t k = 0; k < r->nshare; k++)
                if (!strncmp(doc->s + a, r->share[k], strlen(r->share[k])) &&
                    a + strlen(r->share[k]) <= f->start)
                    f->category = v[i - 1].category;
        }
        if (ls_verbosity >= 3) {
            fprintf(stderr, "locstat: classify %s:", f->surface);
            for (int c = 0; c < CAT_MAX; c++)
                if (score[c] > 0)
                    fprintf(stderr, " %s=%.2f", ls_category_id((ls_category)c), score[c]);
            fprintf(stderr, " -> %s\n", ls_category_id(f->category));
        }
    }
    free(line_scores);
    free(seen);
    free(h);
}
