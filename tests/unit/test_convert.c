/* test_convert.c - the memoised converters give OpenCC's output byte for
 * byte, for t2s (which converts traditional articles) and s2t (which helps
 * tell them apart): on tricky phrases, on every article of the seeds and the
 * dev set, and on text generated from each configuration's own keys. */
#include "testlib.h"

#include <opencc.h>

#include "convert.h"

/* One OpenCC configuration: its phrase list, the memoised converter, one
 * without the list, and OpenCC itself. */
typedef struct {
    const char *config, *list;
    cv_phrases *phrases;
    cv_conv *memo, *plain;
    opencc_t reference;
} conv_case;

static conv_case t2s = { "t2s.json", "t2s-phrases.tsv", NULL, NULL, NULL, NULL };
static conv_case s2t = { "s2t.json", "s2t-phrases.tsv", NULL, NULL, NULL, NULL };

static int setup(void **state)
{
    conv_case *c = *state;
    if (cv_phrases_load(&c->phrases, test_templates(), c->list, OPENCC_DATADIR))
        return -1;
    c->memo = cv_open(c->config, c->phrases);
    c->plain = cv_open(c->config, NULL);
    c->reference = opencc_open(c->config);
    return c->memo && c->plain && c->reference != (opencc_t)-1 ? 0 : -1;
}

static int teardown(void **state)
{
    conv_case *c = *state;
    cv_free(c->memo);
    cv_free(c->plain);
    cv_phrases_free(c->phrases);
    opencc_close(c->reference);
    c->memo = c->plain = NULL;
    c->phrases = NULL;
    return 0;
}

/* cv_convert(s) is byte for byte opencc_convert_utf8(s); returns 1 if the
 * configuration changed the text. */
static int same_as_opencc(const conv_case *c, const char *s, size_t len)
{
    size_t olen, plen;
    char *want = opencc_convert_utf8(c->reference, s, len);
    char *got = cv_convert(c->memo, s, len, &olen);
    char *whole = cv_convert(c->plain, s, len, &plen);
    int changed;

    assert_non_null(want);
    assert_non_null(got);
    assert_non_null(whole);
    if (strlen(want) != olen || memcmp(want, got, olen)) {
        /* name the first difference, for whoever reads the failure */
        size_t i = 0;
        while (i < olen && want[i] == got[i])
            i++;
        fail_msg("%s differs from OpenCC at byte %zu: want \"%.40s\" got \"%.40s\"", c->config,
                 i, want + i, got + i);
    }
    assert_int_equal(plen, olen);
    assert_memory_equal(whole, want, plen);
    changed = strlen(want) != len || memcmp(want, s, len);
    opencc_convert_utf8_free(want);
    free(got);
    free(whole);
    return changed;
}

static void test_list_is_current(void **state)
{
    conv_case *c = *state;
    /* made from the installed OpenCC: else every test below passes
     * trivially through the whole-text path */
    assert_non_null(c->phrases);
    assert_true(cv_memoised(c->memo));
    assert_false(cv_memoised(c->plain));
}

static void test_phrases(void **state)
{
    static const char *const cases[] = {
        "",
        "據瞭解，這個計畫已經完成。",           /* keys inside a sentence */
        "計畫計畫計畫",                         /* a key repeated, no gap */
        "計",                                   /* a key's first character alone */
        "據瞭",                                 /* a key cut off by the end */
        "他說據瞭解到的情況",                   /* the longest key wins */
        "老態龍鍾的老人和情有獨鍾的青年",       /* keys with several values */
        "縣政府發放補貼3.5萬元，惠及120戶。",   /* common characters, no key */
        "abc 123，ｑｕａｎ角全形；\t混合\r\n文字", /* ASCII, full width, controls */
        "𠀀𠀁𡘙漢字擴展乙",                      /* outside the BMP */
        "書中自有千鍾粟，酒逢知己千鍾少",       /* long keys */
        "据了解，这个计划已经完成。",           /* the same, simplified, for s2t */
        "老态龙钟的老人和情有独钟的青年",
        "县政府发放补贴3.5万元，惠及120户。",
        "干部干了一辈子，头发发白，里外一致",   /* one simplified, several traditional */
    };
    conv_case *c = *state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        same_as_opencc(c, cases[i], strlen(cases[i]));
    /* a NUL ends OpenCC's text: the same here */
    same_as_opencc(c, "計畫\0計畫", 13);
}

typedef struct {
    const conv_case *c;
    size_t changed;
} article_run;

static void convert_article(const char *text, size_t len, void *ctx)
{
    article_run *run = ctx;
    run->changed += (size_t)same_as_opencc(run->c, text, len);
}

static void test_articles(void **state)
{
    conv_case *c = *state;
    article_run run = { c, 0 };
    size_t files = test_each_article(convert_article, &run), changed = run.changed;
    assert_true(files >= 33);
    if (c == &t2s)
        assert_true(changed >= 3); /* the traditional ones, and some simplified with 乾 */
    else
        assert_true(changed >= files - 3); /* all but the traditional ones */
}

/* Text made of the keys' own pieces, so that keys overlap, repeat, are cut
 * short and run into each other: the places a wrong walk would show. */
static void test_generated(void **state)
{
    const char *fill[] = { "，", "。", "的", "年", "發", "會", "縣", "計", "瞭", "藉",
                           "发", "会", "县", "计", "了", "干", "1", " " };
    unsigned seed = 1;
    strbuf text = STRBUF_INIT;
    size_t nphrases = 0, alloc = 0, total = 0, step;
    const char **keys = NULL;
    conv_case *c = *state;
    {
        /* up to 1024 keys spread over the whole list */
        FILE *fp;
        char line[512];
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", test_templates(), c->list);
        fp = fopen(path, "r");
        assert_non_null(fp);
        while (fgets(line, sizeof(line), fp))
            total += !strncmp(line, "phrase\t", 7);
        rewind(fp);
        step = total / 1024 + 1;
        for (size_t k = 0; fgets(line, sizeof(line), fp);)
            if (!strncmp(line, "phrase\t", 7) && k++ % step == 0) {
                line[strcspn(line, "\n")] = '\0';
                ALLOC_GROW(keys, nphrases + 1, alloc);
                keys[nphrases++] = strdup(line + 7);
            }
        fclose(fp);
    }
    assert_true(nphrases > 100);
    for (int doc = 0; doc < 2000; doc++) {
        sb_release(&text);
        for (int piece = 0; piece < 40; piece++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 3) {
                const char *k = keys[(seed >> 8) % nphrases];
                size_t len = strlen(k), from = 0, to = len;
                seed = seed * 1103515245u + 12345u;
                if ((seed >> 16) % 2) { /* a piece of a key, on character bounds */
                    size_t chars = 0;
                    for (size_t i = 0; i < len; i += (size_t)utf8_len((unsigned char)k[i]))
                        chars++;
                    from = 0;
                    for (size_t i = 0, ch = 0; i < len; i += (size_t)utf8_len((unsigned char)k[i]), ch++) {
                        if (ch == (seed >> 4) % chars)
                            from = i;
                        if (ch == (seed >> 10) % (chars + 1))
                            to = i;
                    }
                    if (to <= from)
                        to = len;
                }
                sb_add(&text, k + from, to - from);
            } else {
                sb_addstr(&text, fill[(seed >> 8) % (sizeof(fill) / sizeof(*fill))]);
            }
        }
        same_as_opencc(c, text.buf ? text.buf : "", text.len);
    }
    sb_release(&text);
    for (size_t i = 0; i < nphrases; i++)
        free((char *)keys[i]);
    free(keys);
}

static void test_stale_list(void **state)
{
    char *dir = write_template("t2s-phrases.tsv", "file\tt2s.json\t1\t00000000\nphrase\t計畫\n");
    cv_phrases *ph = (cv_phrases *)1;
    (void)state;
    /* made from another OpenCC: set aside, not an error */
    assert_int_equal(cv_phrases_load(&ph, dir, "t2s-phrases.tsv", OPENCC_DATADIR), LS_OK);
    assert_null(ph);
    remove_template(dir, "t2s-phrases.tsv");
    /* a line of an unknown kind is an error naming the file and line */
    dir = write_template("t2s-phrases.tsv", "file\tt2s.json\t1\t00000000\nkey\t計畫\n");
    assert_int_equal(cv_phrases_load(&ph, dir, "t2s-phrases.tsv", OPENCC_DATADIR),
                     LS_ERR_TEMPLATE);
    remove_template(dir, "t2s-phrases.tsv");
}

int main(void)
{
#define BOTH(f)                                                        \
    cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &t2s), \
        cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &s2t)
    const struct CMUnitTest tests[] = {
        BOTH(test_list_is_current), BOTH(test_phrases), BOTH(test_articles),
        BOTH(test_generated),       cmocka_unit_test(test_stale_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
