/* test_tmpl.c - the start filter (rx_starts) finds exactly what PCRE2's
 * own unanchored search finds: the same result and the same groups, for
 * the exclusion patterns and for patterns built to trip it, on the seeds,
 * the dev set and made-up text; and it does filter where it may. */
#include "testlib.h"

#include "text.h"
#include "tmpl.h"

/* Patterns at the filter's edges, beside templates/exclude.tsv's. */
static const struct {
    const char *src;
    int filtered; /* 1: asked only where it can begin; 0: everywhere */
    const char *first; /* what every match's first character matches */
} extra[] = {
    { "(?:约|近)?[0-9]+人", 1, NULL },     /* an optional Han prefix */
    { "(?i)abc\\d", 1, NULL },              /* caseless, needs a letter */
    { "[0-9]+\\s*:\\s*[0-9]+", 1, NULL },   /* needs ':', which texts lack */
    { "(?=第)第[0-9一二三]+", 1, NULL },    /* a lookahead first */
    { "\\s*[0-9]+号", 1, NULL },            /* optional spaces first */
    { "[^，。\\n]{2}年", 1, NULL },         /* nearly every character */
    { "[一二三]{2,}|四(个|名)", 1, NULL },  /* alternatives, a group */
    { "\U00020000[0-9]", 1, NULL },         /* outside the BMP */
    { "(?<=县)[0-9]+", 0, NULL },          /* a lookbehind */
    { "\\b[0-9]+", 0, NULL },               /* \b looks back */
    { "\\G[0-9]", 0, NULL },                /* \G */
    { "x*", 0, NULL },                      /* an empty match */
    { "a(*COMMIT)b", 0, NULL },             /* a verb */
    { "^[0-9]+", 0, NULL },                 /* anchored, multiline off: asked as is */
    /* lookbehinds, with the first character named, as the figure's */
    { "(?=[0-9约])(?<![0-9.])(?:约)?[0-9]+(?:人|名)", 1, "[0-9约]" },
    { "(?<=县)[0-9]+", 1, "[0-9]" },
};
#define NEXTRA (sizeof(extra) / sizeof(*extra))

static const char *made_up[] = {
    "",
    "约300人参加，近50人报名；第三批共二三个名额，四个社区、四名干部。",
    "ABC1 abc2 Abc3，县12户，县 7户，１２人，12:30 与 1 : 5。",
    "x第一 第 二2023年5月1日。\U00020000" "5 𠀀6，第",
    "2023年\n\n  15号楼  号 7号，三四五年与一二年",
    "数字123456789012345678901234567890人",
};

typedef struct {
    char **src;
    pcre2_code **re;
    size_t n;
    rx_starts *st;
} pattern_set;

static void set_load(pattern_set *ps)
{
    tmpl_file tf;
    assert_int_equal(tmpl_load(&tf, test_templates(), "exclude.tsv", 2), LS_OK);
    ps->n = 0;
    ps->src = calloc(tf.nrows + NEXTRA + 1, sizeof(*ps->src));
    ps->re = calloc(tf.nrows + NEXTRA + 1, sizeof(*ps->re));
    for (size_t i = 0; i < tf.nrows + NEXTRA; i++) {
        const char *s = i < tf.nrows ? tf.rows[i].field[1] : extra[i - tf.nrows].src;
        ps->src[ps->n] = strdup(s);
        ps->re[ps->n] = tmpl_regex(NULL, NULL, "test", s, 0);
        assert_non_null(ps->re[ps->n]);
        ps->n++;
    }
    assert_true(tf.nrows >= 10);
    tmpl_release(&tf);
    {
        const char **first = calloc(ps->n + 1, sizeof(*first));
        for (size_t i = 0; i < NEXTRA; i++)
            first[ps->n - NEXTRA + i] = extra[i].first;
        ps->st = rx_starts_new((const char *const *)ps->src, first, ps->re, ps->n);
        free(first);
    }
}

static void set_free(pattern_set *ps)
{
    rx_starts_free(ps->st);
    for (size_t i = 0; i < ps->n; i++) {
        pcre2_code_free(ps->re[i]);
        free(ps->src[i]);
    }
    free(ps->re);
    free(ps->src);
}

/* rx_next from @p pos is rx_match from @p pos, on the text cut at @p end:
 * code and every group. */
static void same_at(const pattern_set *ps, const rx_places *pl, size_t k, size_t pos, size_t end,
                    pcre2_match_data *a, pcre2_match_data *b)
{
    int ra = rx_next(ps->st, pl, k, pos, end, a);
    int rb = rx_match(ps->re[k], pl->s, end, pos, 0, b);
    if (ra != rb)
        fail_msg("pattern %zu /%s/ from %zu: rx_next %d, rx_match %d", k, ps->src[k], pos, ra,
                 rb);
    if (rb > 0) {
        PCRE2_SIZE *oa = pcre2_get_ovector_pointer(a), *ob = pcre2_get_ovector_pointer(b);
        for (int g = 0; g < rb; g++)
            if (oa[2 * g] != ob[2 * g] || oa[2 * g + 1] != ob[2 * g + 1])
                fail_msg("pattern %zu /%s/ from %zu: group %d differs", k, ps->src[k], pos, g);
    }
}

/* Pattern @p k chained from @p from as the exclusions are, on the text
 * cut at @p end; returns how many matches were compared. */
static size_t chain(const pattern_set *ps, const rx_places *pl, size_t k, size_t from,
                    size_t end, pcre2_match_data *a, pcre2_match_data *b)
{
    size_t pos = from, matches = 0;
    while (pos < end) {
        PCRE2_SIZE *ov;
        same_at(ps, pl, k, pos, end, a, b);
        if (rx_match(ps->re[k], pl->s, end, pos, 0, b) <= 0)
            break;
        ov = pcre2_get_ovector_pointer(b);
        matches++;
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return matches;
}

/* Every pattern chained over the whole text, then over each line cut at
 * its end as the figure pattern is, and from every @p stride th character
 * besides (0: none). Returns how many matches were compared. */
static size_t compare_text(const pattern_set *ps, const char *s, size_t len, size_t stride)
{
    rx_places pl = RX_PLACES_INIT;
    pcre2_match_data *a = pcre2_match_data_create(8, NULL), *b = pcre2_match_data_create(8, NULL);
    size_t matches = 0;

    rx_places_find(&pl, ps->st, s, len, a);
    for (size_t k = 0; k < ps->n; k++) {
        matches += chain(ps, &pl, k, 0, len, a, b);
        for (size_t from = 0; from < len;) {
            const char *nl = memchr(s + from, '\n', len - from);
            size_t end = nl ? (size_t)(nl - s) : len;
            matches += chain(ps, &pl, k, from, end, a, b);
            from = end + 1;
        }
        for (size_t i = 0, c = 0; stride && i < len; i += (size_t)utf8_len((unsigned char)s[i]), c++)
            if (c % stride == 0)
                same_at(ps, &pl, k, i, len, a, b);
    }
    rx_places_release(&pl);
    pcre2_match_data_free(a);
    pcre2_match_data_free(b);
    return matches;
}

static void test_filtered(void **state)
{
    pattern_set ps;
    size_t first = 0;
    (void)state;
    set_load(&ps);
    first = ps.n - NEXTRA;
    for (size_t k = 0; k < first; k++) /* the exclusions all may be */
        assert_true(rx_starts_filtered(ps.st, k));
    for (size_t i = 0; i < NEXTRA; i++)
        if (rx_starts_filtered(ps.st, first + i) != extra[i].filtered)
            fail_msg("/%s/ should %sbe filtered", extra[i].src, extra[i].filtered ? "" : "not ");
    {
        /* places: only where a pattern can begin, none where the text
         * lacks the byte a match needs */
        const char *s = made_up[1];
        rx_places pl = RX_PLACES_INIT;
        pcre2_match_data *md = pcre2_match_data_create(4, NULL);
        rx_places_find(&pl, ps.st, s, strlen(s), md);
        assert_false(pl.all);
        assert_int_equal(pl.n[first + 0], 2); /* 约300, 近50 */
        assert_int_equal(pl.runs[first + 0][0].b - pl.runs[first + 0][0].a, 6);
        assert_int_equal(pl.n[first + 2], 0); /* no ':' */
        assert_int_equal(pl.n[first + 3], 1); /* 第 */
        rx_places_release(&pl);
        pcre2_match_data_free(md);
    }
    set_free(&ps);
}

static void test_made_up(void **state)
{
    pattern_set ps;
    size_t matches = 0;
    (void)state;
    set_load(&ps);
    for (size_t i = 0; i < sizeof(made_up) / sizeof(*made_up); i++)
        matches += compare_text(&ps, made_up[i], strlen(made_up[i]), 17);
    assert_true(matches > 20);
    {
        /* a run of digits longer than the filter tries one by one, and a
         * text too long to list */
        strbuf t = STRBUF_INIT;
        sb_addstr(&t, "县");
        for (int i = 0; i < 300; i++)
            sb_addch(&t, (char)('0' + i % 10));
        sb_addstr(&t, "人，约12人；第5条");
        matches = compare_text(&ps, t.buf, t.len, 7);
        assert_true(matches >= 3);
        while (t.len <= 300 * 1024)
            sb_addstr(&t, "全县新建食堂12个，惠及约300人；第3批。");
        matches = compare_text(&ps, t.buf, t.len, 0);
        assert_true(matches > 10000);
        sb_release(&t);
    }
    set_free(&ps);
}

typedef struct {
    const pattern_set *ps;
    size_t matches;
} article_run;

static void compare_article(const char *text, size_t len, void *ctx)
{
    article_run *run = ctx;
    run->matches += compare_text(run->ps, text, len, 17);
}

static void test_articles(void **state)
{
    pattern_set ps;
    article_run run = { &ps, 0 };
    size_t files, matches;
    (void)state;
    set_load(&ps);
    files = test_each_article(compare_article, &run);
    matches = run.matches;
    assert_true(files >= 33);
    assert_true(matches > 1000);
    set_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filtered),
        cmocka_unit_test(test_made_up),
        cmocka_unit_test(test_articles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rx_cleanup();
    return rc;
}
