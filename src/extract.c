/* extract.c - figures from a normalised article. */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tmpl.h"

/* How far before a figure a period word (每日, 日均) may stand, in bytes of
 * the same clause and after its previous figure: 每日服务儿童约100人 and
 * 每月为80岁以上老人补贴餐费50元 yes, 利用每日课后服务时间开展…20余类 no. */
#define PERIOD_WINDOW 48
/* How far before a bare magnitude its word for people may stand, in bytes
 * (12 characters). */
#define PEOPLE_BEFORE 36
/* ...with at most a linking verb between it and the number (达到, 超过) */
#define PEOPLE_GAP 12
/* How far after a figure its period may stand, in bytes (8 characters). */
#define PERIOD_AFTER 24
/* Longest indicator phrase, in code points. */
#define INDICATOR_MAX 14

typedef struct {
    char *form;
    char *unit;
    char *cls;
    double scale;
} unit_def;

typedef struct {
    char *word;
    char *value;
    char *guard; /* qualifiers: characters it must not follow */
} word_map;

typedef struct {
    pcre2_code *re;
    char *src; /* for the start filter */
    int label;
} exclusion;

struct extract_rules {
    const num_table *nt;
    unit_def *units;
    size_t nunits;
    word_map *quals; /* value = "before"/"mid"/"after" + ":" + qualifier */
    size_t nquals;
    word_map *periods;
    uint8_t period_first[8192]; /* bit set: some period word starts with these two bytes */
    size_t nperiods;
    char **lead, **stop, **tail, **people, **counter;
    size_t nlead, nstop, ntail, npeople, ncounter;
    word_index lead_ix, stop_ix; /* by first character: tried at every one */
    unsigned char numeral_bits[65536 / 8]; /* the numerals of num_class(nt, 1) */
    pcre2_code **status;
    size_t nstatus;
    pcre2_code *status_any; /* the status patterns as one alternation, or NULL */
    unsigned char *status_head; /* pattern opens with ^: asked of the sentence too */
    /* status.tsv "after" rows: asked of the clause after the figure (148元目标);
     * "done" rows: the figure is done though a plan word stands before it
     * (完成目标任务的45.2%) */
    pcre2_code **status_after, **status_done;
    size_t nstatus_after, nstatus_done;
    pcre2_code *status_after_any; /* the after patterns as one, or NULL */
    exclusion *excl;
    size_t nexcl;
    pcre2_code *figure;
    rx_starts *starts; /* where each exclusion (0..nexcl-1) and the figure (nexcl) can begin */
    uint32_t g_q1, g_pct, g_n1, g_u1, g_n2, g_mid, g_mag, g_unit, g_bare, g_q2;
    pcre2_match_data *md;
    const extract_rules *parent; /* a fork shares the parent's rules */
};

static void free_words(word_map *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(w[i].word);
        free(w[i].value);
        free(w[i].guard);
    }
    free(w);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_patterns(pcre2_code **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pcre2_code_free(v[i]);
    free(v);
}

void extract_rules_free(extract_rules *r)
{
    if (!r)
        return;
    if (r->parent) {
        pcre2_match_data_free(r->md);
        free(r);
        return;
    }
    for (size_t i = 0; i < r->nunits; i++) {
        free(r->units[i].form);
        free(r->units[i].unit);
        free(r->units[i].cls);
    }
    free(r->units);
    free_words(r->quals, r->nquals);
    free_words(r->periods, r->nperiods);
    free_strv(r->lead, r->nlead);
    free_strv(r->stop, r->nstop);
    word_index_release(&r->lead_ix);
    word_index_release(&r->stop_ix);
    free_strv(r->tail, r->ntail);
    free_strv(r->people, r->npeople);
    free_strv(r->counter, r->ncounter);
    free_patterns(r->status, r->nstatus);
    free(r->status_head);
    free_patterns(r->status_after, r->nstatus_after);
    pcre2_code_free(r->status_after_any);
    free_patterns(r->status_done, r->nstatus_done);
    pcre2_code_free(r->status_any);
    rx_starts_free(r->starts); /* before the patterns it refers to */
    for (size_t i = 0; i < r->nexcl; i++) {
        pcre2_code_free(r->excl[i].re);
        free(r->excl[i].src);
    }
    free(r->excl);
    pcre2_code_free(r->figure);
    pcre2_match_data_free(r->md);
    free(r);
}

extract_rules *extract_rules_fork(const extract_rules *r)
{
    extract_rules *f = xmalloc(sizeof(*f));
    *f = *r;
    f->parent = r;
    f->md = pcre2_match_data_create_from_pattern(r->figure, NULL);
    if (!f->md)
        die("out of memory");
    return f;
}

void figure_list_release(figure_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        ls_figure_release(&l->v[i]);
    if (!l->stored)
        free(l->v);
    free(l->ctx);
    free(l->pool);
    memset(l, 0, sizeof(*l));
}

void figure_list_drop_context(figure_list *l)
{
    free(l->ctx);
    l->ctx = NULL;
    l->ctx_alloc = 0;
}

ls_figure *figure_list_push(figure_list *l)
{
    if (l->stored) { /* the store's block cannot grow */
        ls_figure *v = xmalloc((l->n + 1) * sizeof(*v));
        memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->alloc = l->n + 1;
        l->stored = 0;
    }
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    memset(&l->v[l->n], 0, sizeof(*l->v));
    return &l->v[l->n++];
}

/* Copy @p s to @p *at, and step past it. */
static char *pool_put(char **at, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = memcpy(*at, s, n);
    *at += n;
    return p;
}

/* One of the strings figures may share (a sentence, a place): copied once
 * for a run of figures that share it. The string a figure held is let go
 * only once the next figure has been compared with it. */
typedef struct {
    char *was, *now; /* the last figure's string before and after */
    int own;         /* it held a reference of its own */
} pool_shared;

static char *pool_share(pool_shared *ps, char **at, char *s, int own)
{
    char *now = !s ? NULL : s == ps->was ? ps->now : pool_put(at, s);
    if (ps->own)
        ls_shared_unref(ps->was);
    ps->was = s;
    ps->now = now;
    ps->own = own;
    return now;
}

void figure_list_pack(figure_list *l, struct store *st)
{
    size_t need = 0, figs = l->n * sizeof(*l->v);
    const char *sentence = NULL, *place = NULL;
    char *old_pool = l->pool, *block, *at;
    ls_figure *old_v = l->v;
    int was_stored = l->stored;
    pool_shared ps = { NULL, NULL, 0 }, pp = { NULL, NULL, 0 };

    if (!l->n) {
        figure_list_release(l);
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        const ls_figure *f = &l->v[i];
        need += strlen(f->indicator) + strlen(f->surface) + 2;
        if (f->sentence && f->sentence != sentence)
            need += strlen(f->sentence) + 1;
        if (f->place && f->place != place)
            need += strlen(f->place) + 1;
        sentence = f->sentence;
        place = f->place;
    }
    block = store_alloc(st, figs + need);
    if (block) { /* the figures first, their strings after them */
        l->v = memcpy(block, old_v, figs);
        l->stored = 1;
        l->pool = NULL;
        at = block + figs;
    } else {
        if (!was_stored && l->alloc > l->n) {
            l->v = old_v = xrealloc(old_v, figs);
        } else if (was_stored) { /* the store is full: the heap from now on */
            l->v = xmalloc(figs);
            memcpy(l->v, old_v, figs);
        }
        l->stored = 0;
        l->pool = at = xmalloc(need);
    }
    l->alloc = l->n;
    for (size_t i = 0; i < l->n; i++) {
        ls_figure *f = &l->v[i];
        char *s = pool_put(&at, f->indicator);
        if (!(f->pooled & FIG_POOL_INDICATOR))
            free(f->indicator);
        f->indicator = s;
        s = pool_put(&at, f->surface);
        if (!(f->pooled & FIG_POOL_SURFACE))
            free(f->surface);
        f->surface = s;
        f->sentence = pool_share(&ps, &at, f->sentence, !(f->pooled & FIG_POOL_SENTENCE));
        f->place = pool_share(&pp, &at, f->place, !(f->pooled & FIG_POOL_PLACE));
        f->pooled = FIG_POOL_INDICATOR | FIG_POOL_SURFACE | FIG_POOL_SENTENCE | FIG_POOL_PLACE;
    }
    pool_share(&ps, &at, NULL, 0);
    pool_share(&pp, &at, NULL, 0);
    if (block && !was_stored)
        free(old_v);
    free(old_pool);
}

/* An alternation of the words, longest first, each optionally guarded. */
/* Words longest first, each with its guard: the characters that must not
 * follow it, unless they begin one of the words of @p unless (3家长者食堂
 * is three canteens; 3家长 would be parents). */
static void alternation(strbuf *sb, char **words, char **guards, char **unless, size_t n)
{
    char **sorted = xmalloc(n * sizeof(*sorted));
    memcpy(sorted, words, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), strv_cmp_longest);
    sb_addstr(sb, "(?:");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_addch(sb, '|');
        rx_quote(sb, sorted[i]);
        if (guards) {
            size_t k;
            for (k = 0; k < n && words[k] != sorted[i]; k++)
                ;
            if (guards[k] && *guards[k]) {
                sb_addstr(sb, "(?!");
                if (unless && unless[k] && *unless[k]) {
                    const char *w = unless[k];
                    sb_addstr(sb, "(?!");
                    while (*w) {
                        size_t l = strcspn(w, " ");
                        char *one = xstrndup(w, l);
                        rx_quote(sb, one);
                        free(one);
                        w += l;
                        w += strspn(w, " ");
                        if (*w)
                            sb_addch(sb, '|');
                    }
                    sb_addch(sb, ')');
                }
                sb_addch(sb, '[');
                rx_quote(sb, guards[k]);
                sb_addstr(sb, "])");
            }
        }
    }
    sb_addch(sb, ')');
    free(sorted);
}

static ls_error load_words(const char *tdir, const char *name, word_map **out, size_t *n)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, name, 2);
    if (err)
        return tmpl_release(&tf), err;
    *out = xcalloc(tf.nrows, sizeof(**out));
    for (size_t i = 0; i < tf.nrows; i++) {
        for (size_t k = 0; k < *n; k++)
            if (!strcmp((*out)[k].word, tf.rows[i].field[0]) &&
                !strcmp(name, "periods.tsv")) {
                err = tmpl_error(&tf, &tf.rows[i], "'%s' is listed twice",
                                 tf.rows[i].field[0]);
                tmpl_release(&tf);
                return err;
            }
        (*out)[*n].word = xstrdup(tf.rows[i].field[0]);
        (*out)[*n].value = tf.rows[i].nfield > 2
                               ? xstrfmt("%s:%s", tf.rows[i].field[1], tf.rows[i].field[2])
                               : xstrdup(tf.rows[i].field[1]);
        if (tf.rows[i].nfield > 3)
            (*out)[*n].guard = xstrdup(tf.rows[i].field[3]);
        (*n)++;
    }
    tmpl_release(&tf);
    return LS_OK;
}

static ls_error load_units(extract_rules *r, const char *tdir, strbuf *alt)
{
    tmpl_file tf;
    char **forms, **guards, **unless;
    ls_error err = tmpl_load(&tf, tdir, "units.tsv", 3);
    if (err)
        return tmpl_release(&tf), err;
    r->units = xcalloc(tf.nrows, sizeof(*r->units));
    forms = xcalloc(tf.nrows + 1, sizeof(*forms));
    guards = xcalloc(tf.nrows + 1, sizeof(*guards));
    unless = xcalloc(tf.nrows + 1, sizeof(*unless));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        unit_def *u = &r->units[r->nunits];
        for (size_t k = 0; k < r->nunits; k++)
            if (!strcmp(r->units[k].form, row->field[0])) {
                err = tmpl_error(&tf, row, "unit '%s' is listed twice", row->field[0]);
                goto out;
            }
        u->form = xstrdup(row->field[0]);
        u->unit = xstrdup(row->field[1]);
        u->cls = xstrdup(row->field[2]);
        u->scale = row->nfield > 3 ? strtod(row->field[3], NULL) : 1;
        if (u->scale <= 0) {
            err = tmpl_error(&tf, row, "scale '%s' must be a positive number", row->field[3]);
            r->nunits++;
            goto out;
        }
        forms[r->nunits] = u->form;
        guards[r->nunits] = row->nfield > 4 ? row->field[4] : NULL;
        unless[r->nunits] = row->nfield > 5 ? row->field[5] : NULL;
        r->nunits++;
    }
    alternation(alt, forms, guards, unless, r->nunits);
out:
    free(forms);
    free(guards);
    free(unless);
    tmpl_release(&tf);
    return err;
}

static void qual_alternation(const extract_rules *r, strbuf *sb, const char *pos)
{
    size_t pl = strlen(pos);
    int first = 1;
    char **w = xcalloc(r->nquals + 1, sizeof(*w));
    size_t n = 0;

    for (size_t i = 0; i < r->nquals; i++)
        if (!strncmp(r->quals[i].value, pos, pl) && r->quals[i].value[pl] == ':')
            w[n++] = r->quals[i].word;
    qsort(w, n, sizeof(*w), strv_cmp_longest);
    sb_addstr(sb, "(?:");
    for (size_t i = 0; i < n; i++) {
        const char *guard = NULL;
        for (size_t k = 0; k < r->nquals; k++)
            if (r->quals[k].word == w[i])
                guard = r->quals[k].guard;
        sb_addstr(sb, first ? "" : "|");
        first = 0;
        if (guard && *guard) {
            sb_addstr(sb, "(?<![");
            rx_quote(sb, guard);
            sb_addstr(sb, "])");
        }
        rx_quote(sb, w[i]);
    }
    sb_addch(sb, ')');
    free(w);
}

static ls_error load_lines(const char *tdir, const char *name, extract_rules *r)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, name, 1);
    if (err)
        return tmpl_release(&tf), err;
    if (!strcmp(name, "status.tsv")) {
        r->status = xcalloc(tf.nrows, sizeof(*r->status));
        r->status_head = xcalloc(tf.nrows, sizeof(*r->status_head));
        const char **plan = xcalloc(tf.nrows + 1, sizeof(*plan));
        const char **after_src = xcalloc(tf.nrows + 1, sizeof(*after_src));
        r->status_after = xcalloc(tf.nrows, sizeof(*r->status_after));
        r->status_done = xcalloc(tf.nrows, sizeof(*r->status_done));
        for (size_t i = 0; i < tf.nrows; i++) {
            tmpl_row *row = &tf.rows[i];
            int after = row->nfield >= 2 && !strcmp(row->field[0], "after");
            int done = row->nfield >= 2 && !strcmp(row->field[0], "done");
            pcre2_code *re;
            if (row->nfield >= 2 && !after && !done) {
                err = tmpl_error(&tf, row, "expected a pattern, or 'after' or 'done', a TAB and a pattern");
                break;
            }
            re = tmpl_regex(&tf, row, NULL, row->field[after || done ? 1 : 0], 0);
            if (!re) {
                err = LS_ERR_REGEX;
                break;
            }
            if (after) {
                after_src[r->nstatus_after] = row->field[1];
                r->status_after[r->nstatus_after++] = re;
            } else if (done) {
                r->status_done[r->nstatus_done++] = re;
            } else {
                r->status_head[r->nstatus] = row->field[0][0] == '^';
                plan[r->nstatus] = row->field[0];
                r->status[r->nstatus++] = re;
            }
        }
        if (!err) {
            r->status_any = rx_any_of(plan, r->status, r->nstatus, 0);
            r->status_after_any = rx_any_of(after_src, r->status_after, r->nstatus_after, 0);
        }
        free(plan);
        free(after_src);
    } else if (!strcmp(name, "exclude.tsv")) {
        r->excl = xcalloc(tf.nrows, sizeof(*r->excl));
        for (size_t i = 0; i < tf.nrows; i++) {
            tmpl_row *row = &tf.rows[i];
            if (row->nfield < 2 || (strcmp(row->field[0], "span") && strcmp(row->field[0], "label"))) {
                err = tmpl_error(&tf, row, "expected 'span' or 'label', a TAB and a pattern");
                break;
            }
            r->excl[r->nexcl].label = !strcmp(row->field[0], "label");
            r->excl[r->nexcl].re = tmpl_regex(&tf, row, NULL, row->field[1], 0);
            if (!r->excl[r->nexcl].re) {
                err = LS_ERR_REGEX;
                break;
            }
            r->excl[r->nexcl++].src = xstrdup(row->field[1]);
        }
    } else { /* words.tsv */
        r->lead = xcalloc(tf.nrows, sizeof(char *));
        r->stop = xcalloc(tf.nrows, sizeof(char *));
        r->tail = xcalloc(tf.nrows, sizeof(char *));
        r->people = xcalloc(tf.nrows, sizeof(char *));
        r->counter = xcalloc(tf.nrows, sizeof(char *));
        for (size_t i = 0; i < tf.nrows; i++) {
            tmpl_row *row = &tf.rows[i];
            if (row->nfield < 2 || (strcmp(row->field[0], "lead") && strcmp(row->field[0], "stop") &&
                                    strcmp(row->field[0], "tail") && strcmp(row->field[0], "people") &&
                                    strcmp(row->field[0], "counter"))) {
                err = tmpl_error(&tf, row,
                                 "expected 'lead', 'stop', 'tail', 'people' or 'counter', a TAB and a word");
                break;
            }
            if (!strcmp(row->field[0], "lead"))
                r->lead[r->nlead++] = xstrdup(row->field[1]);
            else if (!strcmp(row->field[0], "stop"))
                r->stop[r->nstop++] = xstrdup(row->field[1]);
            else if (!strcmp(row->field[0], "people"))
                r->people[r->npeople++] = xstrdup(row->field[1]);
            else if (!strcmp(row->field[0], "counter"))
                r->counter[r->ncounter++] = xstrdup(row->field[1]);
            else
                r->tail[r->ntail++] = xstrdup(row->field[1]);
        }
        qsort(r->lead, r->nlead, sizeof(char *), strv_cmp_longest);
        qsort(r->tail, r->ntail, sizeof(char *), strv_cmp_longest);
        word_index_init(&r->lead_ix, r->lead, r->nlead);
        word_index_init(&r->stop_ix, r->stop, r->nstop);
    }
    tmpl_release(&tf);
    return err;
}

ls_error extract_rules_load(extract_rules **out, const char *tdir, const num_table *nt)
{
    extract_rules *r = xcalloc(1, sizeof(*r));
    strbuf units = STRBUF_INIT, pat = STRBUF_INIT, num = STRBUF_INIT, first = STRBUF_INIT;
    ls_error err;

    r->nt = nt;
    for (const char *c = num_class(nt, 1); *c;) {
        int n;
        uint32_t cp = utf8_decode(c, &n);
        if (cp >= 0x80 && cp < 65536)
            r->numeral_bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
        c += n;
    }
    if ((err = load_units(r, tdir, &units)) ||
        (err = load_words(tdir, "qualifiers.tsv", &r->quals, &r->nquals)) ||
        (err = load_words(tdir, "periods.tsv", &r->periods, &r->nperiods)) ||
        (err = load_lines(tdir, "status.tsv", r)) || (err = load_lines(tdir, "exclude.tsv", r)) ||
        (err = load_lines(tdir, "words.tsv", r)))
        goto fail;
    for (size_t i = 0; i < r->nperiods; i++) {
        const unsigned char *w = (const unsigned char *)r->periods[i].word;
        unsigned k = (unsigned)w[0] << 8 | w[1];
        r->period_first[k >> 3] |= (uint8_t)(1u << (k & 7));
    }

    /* NUM: Arabic with separators, decimals and magnitude words, or a
     * Chinese numeral starting with a digit, 十, 廿 or 卅. */
    {
        strbuf mid = STRBUF_INIT, before = STRBUF_INIT;
        qual_alternation(r, &mid, "mid");
        /* a lookbehind takes alternatives of unequal length only at its
         * top level: the words alone, without their guards */
        for (size_t i = 0, n = 0; i < r->nquals; i++)
            if (!strncmp(r->quals[i].value, "before:", 7)) {
                if (n++)
                    sb_addch(&before, '|');
                rx_quote(&before, r->quals[i].word);
            }
        /* a bare magnitude only before 余/多 or a counter of people: 百余名
         * and 千名 are counts, 千家 and 百年 words */
        for (size_t i = 0; i < r->ncounter; i++) {
            sb_addch(&mid, '|');
            rx_quote(&mid, r->counter[i]);
        }
        /* or after a qualifier, before a measure word: 近千人, 超万人次 */
        sb_addf(&num,
                "(?:(?<![0-9.A-Za-z])(?<![0-9],)[0-9]+(?:,[0-9]{3})*(?:\\.[0-9]+)?[%s]*"
                "|(?<![%s])[%s][%s]*|(?<![%s])[百千万亿](?=%s)|(?<=%s)[百千万](?=(?:%s)))",
                "十百千万亿萬億", num_class(nt, 1), num_class(nt, 0), num_class(nt, 1),
                num_class(nt, 1), mid.buf, before.buf, units.buf);
        sb_release(&mid);
        sb_release(&before);
    }
    /* Where a figure can start: a leading qualifier or a number. One class
     * test lets PCRE2 pass over other characters, where it would try each
     * branch below (the Han lead bytes defeat its first-byte bitmap), and
     * tells the start filter where a figure can begin. */
    sb_addf(&first, "[0-9百千万亿%s", num_class(nt, 0));
    for (size_t i = 0; i < r->nquals; i++)
        if (!strncmp(r->quals[i].value, "before:", 7)) {
            char c[5] = { 0 };
            memcpy(c, r->quals[i].word, (size_t)utf8_len((unsigned char)r->quals[i].word[0]));
            rx_quote(&first, c);
        }
    sb_addch(&first, ']');
    sb_addf(&pat, "(?=%s)(?<q1>", first.buf);
    qual_alternation(r, &pat, "before");
    sb_addstr(&pat, ")?(?:百分之(?<pct>");
    sb_add(&pat, num.buf, num.len);
    sb_addstr(&pat, ")|(?<n1>");
    sb_add(&pat, num.buf, num.len);
    sb_addstr(&pat, ")(?:(?<u1>");
    sb_add(&pat, units.buf, units.len);
    sb_addstr(&pat, ")?\\s*(?:至|到|-|~|～|—|－)\\s*(?<n2>");
    sb_add(&pat, num.buf, num.len);
    sb_addstr(&pat, "))?(?<mid>");
    qual_alternation(r, &pat, "mid");
    /* a magnitude may follow the qualifier: 180余万元 */
    sb_addstr(&pat, ")?(?<mag>[百千万亿萬億]+)?\\s?(?:(?<unit>");
    sb_add(&pat, units.buf, units.len);
    /* 老年人口163.76万, 超35万 and 32.27万劳动力 count people without a
     * measure word: a number in 万 or 亿 that ends its phrase or stands
     * before a word for people (words.tsv people) */
    sb_addstr(&pat, ")|(?<bare>(?<=[万亿萬億])(?:(?![\\x{4E00}-\\x{9FFF}0-9.])");
    for (size_t i = 0; i < r->npeople; i++) {
        sb_addstr(&pat, i ? "|" : "|(?=");
        rx_quote(&pat, r->people[i]);
    }
    sb_addstr(&pat, r->npeople ? ")))" : "))");
    sb_addstr(&pat, ")(?<q2>");
    qual_alternation(r, &pat, "after");
    sb_addstr(&pat, ")?)");
    r->figure = tmpl_regex(NULL, NULL, "figure pattern built from templates/units.tsv", pat.buf, 0);
    if (!r->figure) {
        err = LS_ERR_REGEX;
        goto fail;
    }
#define GROUP(g) r->g_##g = (uint32_t)pcre2_substring_number_from_name(r->figure, (PCRE2_SPTR) #g)
    GROUP(q1);
    GROUP(pct);
    GROUP(n1);
    GROUP(u1);
    GROUP(n2);
    GROUP(mid);
    GROUP(mag);
    GROUP(unit);
    GROUP(bare);
    GROUP(q2);
#undef GROUP
    r->md = pcre2_match_data_create_from_pattern(r->figure, NULL);
    {
        const char **src = xcalloc(r->nexcl + 2, sizeof(*src));
        const char **firsts = xcalloc(r->nexcl + 2, sizeof(*firsts));
        pcre2_code **re = xcalloc(r->nexcl + 2, sizeof(*re));
        for (size_t k = 0; k < r->nexcl; k++) {
            src[k] = r->excl[k].src;
            re[k] = r->excl[k].re;
        }
        src[r->nexcl] = pat.buf;
        firsts[r->nexcl] = first.buf; /* its lookbehinds keep it from learning alone */
        re[r->nexcl] = r->figure;
        r->starts = rx_starts_new(src, firsts, re, r->nexcl + 1);
        free(src);
        free(firsts);
        free(re);
    }
    sb_release(&units);
    sb_release(&pat);
    sb_release(&num);
    sb_release(&first);
    *out = r;
    return LS_OK;
fail:
    sb_release(&units);
    sb_release(&pat);
    sb_release(&num);
    sb_release(&first);
    extract_rules_free(r);
    *out = NULL;
    return err;
}

/* ---- matching ---- */

typedef struct {
    size_t a, b;
} span;

typedef struct {
    span *v;
    size_t n, alloc;
    size_t *max_end; /* after span_index: largest end among v[0..i] */
} span_list;

/* Most quoted labels whose pieces are searched for elsewhere: each costs a
 * pass over the article. */
#define MAX_LABEL_PIECES 64

static void span_add(span_list *l, size_t a, size_t b)
{
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n].a = a;
    l->v[l->n].b = b;
    l->n++;
}

static int span_cmp(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

/* Sort the spans and keep running maxima of their ends, so that overlaps()
 * is a binary search, not a scan: an article may have thousands of dates. */
static void span_index(span_list *l)
{
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), span_cmp);
    l->max_end = xmalloc((l->n + 1) * sizeof(size_t));
    for (size_t i = 0; i < l->n; i++)
        l->max_end[i] = i && l->max_end[i - 1] > l->v[i].b ? l->max_end[i - 1] : l->v[i].b;
}

static int overlaps(const span_list *l, size_t a, size_t b)
{
    size_t lo = 0, hi = l->n;
    /* spans starting before b: v[0..lo) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->v[mid].a < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && l->max_end[lo - 1] > a;
}

static int has_numeral(const extract_rules *r, const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = utf8_decode(s + i, &n);
        if ((cp >= '0' && cp <= '9') ||
            (cp < 65536 ? (r->numeral_bits[cp >> 3] & (1u << (cp & 7))) != 0
                        : memmem(num_class(r->nt, 1), strlen(num_class(r->nt, 1)), s + i,
                                 (size_t)n) != NULL))
            return 1;
        i += (size_t)n;
    }
    return 0;
}

/* Mark what is not a figure: exclusion matches, and quoted labels wherever
 * their numbered pieces recur. */
static void find_exclusions(const extract_rules *r, const text_doc *doc, const rx_places *places,
                            span_list *out)
{
    span_list labels = { NULL, 0, 0, NULL };
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);

    for (size_t k = 0; k < r->nexcl; k++) {
        size_t pos = 0;
        while (pos < doc->len && rx_next(r->starts, places, k, pos, doc->len, md) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[1] > ov[0])
                span_add(out, ov[0], ov[1]);
            if (r->excl[k].label && ov[2] != PCRE2_UNSET) {
                /* pieces of the label, split at 、 */
                size_t a = ov[2];
                for (size_t i = ov[2]; i <= ov[3]; i++) {
                    if (i == ov[3] || !strncmp(doc->s + i, "、", 3)) {
                        if (i - a >= 6 && labels.n < MAX_LABEL_PIECES &&
                            has_numeral(r, doc->s + a, i - a))
                            span_add(&labels, a, i);
                        a = i + 3;
                    }
                }
            }
            pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        }
    }
    for (size_t i = 0; i < labels.n; i++) {
        const char *needle = doc->s + labels.v[i].a;
        size_t nl = labels.v[i].b - labels.v[i].a;
        const char *p = doc->s, *end = doc->s + doc->len;
        while ((p = memmem(p, (size_t)(end - p), needle, nl)) != NULL) {
            span_add(out, (size_t)(p - doc->s), (size_t)(p - doc->s) + nl);
            p += nl;
        }
    }
    free(labels.v);
    pcre2_match_data_free(md);
    span_index(out);
}

static int group(const extract_rules *r, uint32_t g, size_t *a, size_t *b)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    if (ov[2 * g] == PCRE2_UNSET)
        return 0;
    *a = ov[2 * g];
    *b = ov[2 * g + 1];
    return 1;
}

static const char *lookup_word(const word_map *w, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(w[i].word) == len && !memcmp(w[i].word, s, len))
            return w[i].value;
    return NULL;
}

static const unit_def *lookup_unit(const extract_rules *r, const char *s, size_t len)
{
    for (size_t i = 0; i < r->nunits; i++)
        if (strlen(r->units[i].form) == len && !memcmp(r->units[i].form, s, len))
            return &r->units[i];
    return NULL;
}

static ls_qualifier qualifier_of(const extract_rules *r, const char *s, size_t len)
{
    const char *v = lookup_word(r->quals, r->nquals, s, len);
    const char *colon = v ? strchr(v, ':') : NULL;
    ls_qualifier q = colon ? ls_qualifier_parse(colon + 1) : QUAL_MAX;
    return q == QUAL_MAX ? QUAL_EXACT : q;
}

static int starts_with(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return n <= len && !memcmp(s, w, n);
}

/* Does a number followed by s[0..len) give an age (65岁, 60周岁)? An age
 * threshold is part of the group an indicator names, not a figure. */
static int is_age(const char *s, size_t len)
{
    return starts_with(s, len, "岁") || starts_with(s, len, "周岁");
}

/* No quote or delimiter below begins with the lead byte of a CJK ideograph
 * (U+4E00..U+9FFF: 0xE4..0xE9), the most common character by far. */
static int is_ideograph_lead(unsigned char c)
{
    return c >= 0xE4 && c <= 0xE9;
}

static int is_quote(const char *s, size_t i)
{
    static const char *const q[] = { "“", "”", "‘", "’", "「", "」", "\"" };
    if (is_ideograph_lead((unsigned char)s[i]))
        return 0;
    for (size_t k = 0; k < sizeof(q) / sizeof(*q); k++)
        if (!strncmp(s + i, q[k], strlen(q[k])))
            return (int)strlen(q[k]);
    return 0;
}

static int is_delim(const char *s, size_t i)
{
    static const char *const d[] = { "、", "。", "《", "》", "(", ")", ",", ";", ":",
                                     "!", "?", " ", "…", "—" };
    if (is_ideograph_lead((unsigned char)s[i]))
        return 0;
    for (size_t k = 0; k < sizeof(d) / sizeof(*d); k++)
        if (!strncmp(s + i, d[k], strlen(d[k])))
            return 1;
    return 0;
}

/* s[a..b) without quotation marks: names keep their words, not their quotes. */
static char *unquoted(const char *s, size_t a, size_t b)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = a; i < b;) {
        int q = is_quote(s, i);
        int n = q ? q : utf8_len((unsigned char)s[i]);
        if (!q)
            sb_add(&sb, s + i, (size_t)n);
        i += (size_t)n;
    }
    return sb_detach(&sb, NULL);
}

/* What the figure counts: the phrase after the measure word, or, when the
 * figure closes its clause, the phrase before it, back to the clause start
 * or the previous figure (@p from). */
static char *indicator(const extract_rules *r, const text_doc *doc, size_t fstart, size_t fend,
                       size_t from, size_t cend)
{
    size_t a = fend, b = fend, n = 0;
    const char *s = doc->s;

    /* the clause reaches TEXT_SPAN_MAX from the figure's start; a figure
     * longer than that (a run of numerals) ends beyond it */
    if (cend < fend)
        cend = fend;

    if (starts_with(s + a, cend - a, "的"))
        a = b = a + 3;
    while (b < cend && n < INDICATOR_MAX) {
        int stop = 0, q = is_quote(s, b);
        if (q) {
            b += (size_t)q;
            continue;
        }
        if (is_delim(s, b))
            break;
        {
            size_t nw;
            const uint32_t *w = word_index_at(&r->stop_ix, utf8_decode(s + b, NULL), &nw);
            for (size_t k = 0; k < nw && !stop; k++)
                stop = r->stop_ix.len[w[k]] <= cend - b &&
                       !memcmp(s + b, r->stop[w[k]], r->stop_ix.len[w[k]]);
        }
        if (!stop && s[b] >= '0' && s[b] <= '9') {
            /* an age threshold belongs to the group counted:
             * 2万余名65岁以上老年人 -> 65岁以上老年人; another number ends it */
            size_t d = b;
            while (d < cend && s[d] >= '0' && s[d] <= '9')
                d++;
            if (!is_age(s + d, cend - d))
                break;
            n += d - b;
            b = d;
            continue;
        }
        if (stop)
            break;
        b += (size_t)utf8_len((unsigned char)s[b]);
        n++;
    }
    if (n >= 2)
        return unquoted(s, a, b);

    /* before: from the last delimiter in the clause up to the figure */
    a = fstart;
    b = fstart;
    while (a > from) {
        size_t p = utf8_prev(s, a);
        if (is_delim(s, p) && strncmp(s + p, "、", 3))
            break;
        a = p;
    }
    /* a list mark or quote left at the start: skip it, by its own length */
    for (int q; a < b && ((q = is_quote(s, a)) || !strncmp(s + a, "、", 3));)
        a += q ? (size_t)q : 3;
    for (int trimmed = 1; trimmed && a < b;) {
        size_t nw;
        const uint32_t *w = word_index_at(&r->lead_ix, utf8_decode(s + a, NULL), &nw);
        trimmed = 0;
        for (size_t k = 0; k < nw; k++)
            if (r->lead_ix.len[w[k]] < b - a && !memcmp(s + a, r->lead[w[k]], r->lead_ix.len[w[k]])) {
                a += r->lead_ix.len[w[k]];
                trimmed = 1;
                break;
            }
    }
    /* the verb that links the phrase to its figure: 签约率达到 -> 签约率 */
    for (int trimmed = 1; trimmed;) {
        trimmed = 0;
        for (size_t k = 0; k < r->ntail; k++) {
            size_t tl = strlen(r->tail[k]);
            if (b - a >= tl && !memcmp(s + b - tl, r->tail[k], tl) &&
                utf8_count(s + a, b - a - tl) >= 2) {
                b -= tl;
                trimmed = 1;
                break;
            }
        }
    }
    /* keep the end of a long list: 送春联、包粽子…等文化活动 -> 文化活动 */
    {
        size_t deng = 0;
        for (size_t i = a; i + 3 <= b; i += (size_t)utf8_len((unsigned char)s[i]))
            if (!strncmp(s + i, "等", 3))
                deng = i + 3;
        if (deng && b - deng >= 6)
            a = deng;
    }
    /* too long: cut after the last lead word of two characters or more
     * that leaves a noun (舒兰市计划年底前再建成社区食堂 -> 社区食堂; one
     * character, 为 or 有, is too often inside a word), else keep the end */
    if (utf8_count(s + a, b - a) > INDICATOR_MAX) {
        size_t cut = a;
        for (size_t i = a; i < b; i += (size_t)utf8_len((unsigned char)s[i])) {
            size_t nw;
            const uint32_t *w = word_index_at(&r->lead_ix, utf8_decode(s + i, NULL), &nw);
            for (size_t k = 0; k < nw; k++) {
                size_t wl = r->lead_ix.len[w[k]];
                if (wl >= 6 && starts_with(s + i, b - i, r->lead[w[k]]) &&
                    utf8_count(s + i + wl, b - i - wl) >= 2)
                    cut = i + wl;
            }
        }
        a = cut;
    }
    {
        size_t from_a = a, d0, d1;
        while (utf8_count(s + a, b - a) > INDICATOR_MAX)
            a += (size_t)utf8_len((unsigned char)s[a]);
        /* not from inside a number: an age threshold is kept whole
         * (65周岁及以上老年人…), another number is dropped */
        for (d0 = a; d0 > from_a && s[d0 - 1] >= '0' && s[d0 - 1] <= '9'; d0--)
            ;
        for (d1 = a; d1 < b && ((s[d1] >= '0' && s[d1] <= '9') || s[d1] == '.'); d1++)
            ;
        if (d0 < a || d1 > a)
            a = is_age(s + d1, b - d1) ? d0 : d1;
    }
    return unquoted(s, a, b);
}

static void detect_period(const extract_rules *r, const text_doc *doc, size_t cstart, size_t fstart,
                          char *period, size_t size)
{
    size_t from = fstart > cstart + PERIOD_WINDOW ? fstart - PERIOD_WINDOW : cstart;
    period[0] = '\0';
    while (from > cstart && ((unsigned char)doc->s[from] & 0xC0) == 0x80)
        from++;
    /* the first word of the list found anywhere in the window: one pass,
     * trying only the words that start with the two bytes at hand */
    size_t best = r->nperiods;
    for (size_t p = from; p + 1 < fstart && best > 0; p++) {
        unsigned k = (unsigned)(unsigned char)doc->s[p] << 8 | (unsigned char)doc->s[p + 1];
        if (!(r->period_first[k >> 3] & (1u << (k & 7))))
            continue;
        for (size_t i = 0; i < best; i++) {
            const char *w = r->periods[i].word;
            size_t wl = strlen(w);
            if (wl <= fstart - p && !memcmp(doc->s + p, w, wl)) {
                best = i;
                break;
            }
        }
    }
    if (best < r->nperiods)
        snprintf(period, size, "%s", r->periods[best].value);
}

/* Planned when a status pattern matches the figure's clause before it, or
 * a pattern that opens with ^ opens its sentence (下一步，…将新建10个). */
static ls_status detect_status(const extract_rules *r, const text_doc *doc, size_t sstart,
                               size_t cstart, size_t fstart, size_t fend, size_t cend)
{
    /* not r->md: it holds the figure's match */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    ls_status st = STATUS_DONE;
    if (r->status_any)
        st = rx_match(r->status_any, doc->s + cstart, fstart - cstart, 0, 0, md) > 0
                 ? STATUS_PLANNED
                 : STATUS_DONE;
    for (size_t i = 0; !r->status_any && i < r->nstatus && st == STATUS_DONE; i++)
        if (rx_match(r->status[i], doc->s + cstart, fstart - cstart, 0, 0, md) > 0)
            st = STATUS_PLANNED;
    for (size_t i = 0; sstart < cstart && i < r->nstatus && st == STATUS_DONE; i++)
        if (r->status_head[i] && rx_match(r->status[i], doc->s + sstart, fstart - sstart, 0, 0, md) > 0)
            st = STATUS_PLANNED;
    if (fend < cend && st == STATUS_DONE && r->status_after_any)
        st = rx_match(r->status_after_any, doc->s + fend, cend - fend, 0, 0, md) > 0 ? STATUS_PLANNED
                                                                                 : STATUS_DONE;
    for (size_t i = 0; fend < cend && !r->status_after_any && i < r->nstatus_after && st == STATUS_DONE; i++)
        if (rx_match(r->status_after[i], doc->s + fend, cend - fend, 0, 0, md) > 0)
            st = STATUS_PLANNED;
    for (size_t i = 0; i < r->nstatus_done && st == STATUS_PLANNED; i++)
        if (rx_match(r->status_done[i], doc->s + cstart, fstart - cstart, 0, 0, md) > 0)
            st = STATUS_DONE;
    pcre2_match_data_free(md);
    return st;
}

/* What a bare magnitude counts when the phrase names people (unit_def's
 * first fields: form, unit, class). */
static const unit_def people_unit = { (char *)"", (char *)"人", (char *)"people", 1 };

/*
 * Does a word for people (words.tsv people) end at most PEOPLE_GAP bytes
 * before s[fa] in its clause, or start at s[fb]? 老年人163.76万,
 * 志愿者人数超35万, 32.27万劳动力.
 */
static int people_near(const extract_rules *r, const text_doc *doc, size_t lstart, size_t fa,
                       size_t fb, size_t lend)
{
    size_t limit = fa > lstart + PEOPLE_BEFORE ? fa - PEOPLE_BEFORE : lstart, from = fa;
    while (from > limit) { /* back to the clause's start, at most PEOPLE_BEFORE */
        size_t p = utf8_prev(doc->s, from);
        if (p < limit || doc->s[p] == ',' || doc->s[p] == ';' || !strncmp(doc->s + p, "。", 3))
            break;
        from = p;
    }
    for (size_t k = 0; k < r->npeople; k++) {
        size_t wl = strlen(r->people[k]);
        if (fb + wl <= lend && !memcmp(doc->s + fb, r->people[k], wl))
            return 1;
        /* ending at most PEOPLE_GAP bytes before: 户籍人口达到130万 */
        for (size_t e = fa; e >= from + wl && e + PEOPLE_GAP >= fa; e--)
            if (!memcmp(doc->s + e - wl, r->people[k], wl))
                return 1;
    }
    return 0;
}

void extract_figures(const extract_rules *r, const text_doc *doc, figure_list *out)
{
    span_list excl = { NULL, 0, 0, NULL };
    size_t first = out->n; /* figures before this are another article's */
    rx_places places = RX_PLACES_INIT;

    rx_places_find(&places, r->starts, doc->s, doc->len, r->md);
    find_exclusions(r, doc, &places, &excl);
    for (size_t li = 0; li < doc->nlines; li++) {
        const text_line *l = &doc->lines[li];
        size_t pos = l->start;
        if (l->kind == LINE_META)
            continue;
        while (pos < l->end && rx_next(r->starts, &places, r->nexcl, pos, l->end, r->md) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
            size_t fa = ov[0], fb = ov[1], a = 0, b = 0, ua = 0, ub = 0;
            num_value nv, nv2;
            const unit_def *u;
            ls_figure f;
            size_t ca, cb, sa, sb;

            pos = fb > fa ? fb : fa + 1;
            memset(&f, 0, sizeof(f));
            if (overlaps(&excl, fa, fb))
                continue;
            if (group(r, r->g_pct, &a, &b)) {
                if (num_parse(r->nt, doc->s + a, b - a, &nv) || nv.word)
                    continue;
                snprintf(f.unit, sizeof(f.unit), "%%");
            } else {
                group(r, r->g_n1, &a, &b);
                if (num_parse(r->nt, doc->s + a, b - a, &nv)) {
                    /* a bare magnitude, which the pattern lets stand only
                     * before 余/多 or a counter of people: 百余名, 千名 */
                    memset(&nv, 0, sizeof(nv));
                    if (num_magnitude(r->nt, doc->s + a, b - a, &nv.value))
                        continue;
                }
                if (group(r, r->g_bare, &ua, &ub)) {
                    /* no measure word: people only where the phrase says
                     * so, before the number or right after it */
                    if (!people_near(r, doc, l->start, fa, fb, l->end))
                        continue;
                    u = &people_unit;
                } else {
                    group(r, r->g_unit, &ua, &ub);
                    u = lookup_unit(r, doc->s + ua, ub - ua);
                }
                if (!u)
                    continue;
                if (nv.word && !group(r, r->g_n2, &a, &b))
                    continue; /* 一 meaning "a" */
                snprintf(f.unit, sizeof(f.unit), "%s", u->unit);
                nv.value *= u->scale;
                nv.value_max *= u->scale;
                if (u->scale == 10 && fb < l->end && !nv.has_max) {
                    /* 八成四: a digit after 成 is its tenth, 84 % */
                    num_value d;
                    size_t dl = (size_t)utf8_len((unsigned char)doc->s[fb]);
                    if (fb + dl <= l->end && !num_parse(r->nt, doc->s + fb, dl, &d) &&
                        !d.has_max && d.value >= 1 && d.value <= 9) {
                        nv.value += d.value;
                        fb += dl;
                        pos = fb;
                    }
                }
                if (group(r, r->g_mag, &ua, &ub)) { /* 180余万元 */
                    double m = 1, mm;
                    for (size_t i = ua; i < ub; i += 3) /* each magnitude is one CJK character */
                        if (!num_magnitude(r->nt, doc->s + i, 3, &mm))
                            m *= mm;
                    nv.value *= m;
                    nv.value_max *= m;
                }
                if (group(r, r->g_n2, &a, &b)) {
                    if (num_parse(r->nt, doc->s + a, b - a, &nv2) || nv2.has_max)
                        continue;
                    if (group(r, r->g_u1, &ua, &ub)) {
                        const unit_def *u1 = lookup_unit(r, doc->s + ua, ub - ua);
                        if (!u1 || strcmp(u1->unit, u->unit))
                            continue;
                    }
                    nv.value_max = nv2.value * u->scale;
                    nv.has_max = nv.value_max > nv.value;
                }
            }
            f.value = nv.value;
            f.value_max = nv.value_max;
            f.has_max = nv.has_max;
            f.qualifier = QUAL_EXACT;
            if (group(r, r->g_q1, &a, &b))
                f.qualifier = qualifier_of(r, doc->s + a, b - a);
            if (group(r, r->g_mid, &a, &b))
                f.qualifier = qualifier_of(r, doc->s + a, b - a);
            if (group(r, r->g_q2, &a, &b))
                f.qualifier = qualifier_of(r, doc->s + a, b - a);

            text_span(doc, fa, 1, &ca, &cb);
            text_span(doc, fa, 0, &sa, &sb);
            detect_period(r, doc, ca, fa, f.period, sizeof(f.period));
            if (!f.period[0] && cb > fb) {
                /* 3000多名老人每天到食堂吃饭: the period may follow the
                 * counted noun, within the figure's clause */
                size_t to = fb + PERIOD_AFTER < cb ? fb + PERIOD_AFTER : cb;
                while (to > fb && ((unsigned char)doc->s[to] & 0xC0) == 0x80)
                    to--;
                detect_period(r, doc, fb, to, f.period, sizeof(f.period));
            }
            f.status = detect_status(r, doc, sa, ca, fa, fb, cb);
            {
                /* a list (310户、650人) shares the noun of its first figure */
                const ls_figure *prev = out->n ? &out->v[out->n - 1] : NULL;
                int same = prev && prev->start >= ca && prev->end <= fa && out->n > first;
                f.indicator = indicator(r, doc, fa, fb, same ? prev->end : ca, cb);
                if (!*f.indicator && same) {
                    free(f.indicator);
                    f.indicator = xstrdup(prev->indicator);
                }
            }
            f.category = CAT_OTHER;
            f.start = fa;
            f.end = fb;
            f.offset = text_file_offset(doc, fa);
            f.surface = text_surface(doc, fa, fb);
            /* the previous figure's sentence, when it is the same */
            if (out->n && strlen(out->v[out->n - 1].sentence) == sb - sa &&
                !memcmp(out->v[out->n - 1].sentence, doc->s + sa, sb - sa))
                f.sentence = ls_shared_ref(out->v[out->n - 1].sentence);
            else
                f.sentence = ls_shared_new(doc->s + sa, sb - sa);
            ALLOC_GROW(out->v, out->n + 1, out->alloc);
            ALLOC_GROW(out->ctx, out->n + 1, out->ctx_alloc);
            out->ctx[out->n] = (text_context){ ca, cb, sa, sb };
            out->v[out->n++] = f;
        }
    }
    rx_places_release(&places);
    free(excl.v);
    free(excl.max_end);
}
