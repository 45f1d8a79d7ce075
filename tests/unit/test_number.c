/* test_number.c - the number grammar, table-driven. */
#include "testlib.h"

#include "number.h"

static num_table *nt;

static int setup(void **state)
{
    (void)state;
    return num_table_load(&nt, test_templates()) == LS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    num_table_free(nt);
    return 0;
}

static const struct {
    const char *text;
    double value, value_max; /* value_max 0: no range */
    int word;
} good[] = {
    { "0", 0, 0, 0 },
    { "7", 7, 0, 0 },
    { "759", 759, 0, 0 },
    { "1,234", 1234, 0, 0 },
    { "12,345,678", 12345678, 0, 0 },
    { "63.296", 63.296, 0, 0 },
    { "0.5", 0.5, 0, 0 },
    { "1.2万", 12000, 0, 0 },
    { "2.72万", 27200, 0, 0 },
    { "3千", 3000, 0, 0 },
    { "5百", 500, 0, 0 },
    { "1.5亿", 150000000, 0, 0 },
    { "2千万", 20000000, 0, 0 },
    { "3.6萬", 36000, 0, 0 },
    { "一", 1, 0, 1 },
    { "二", 2, 0, 0 },
    { "两", 2, 0, 0 },
    { "兩", 2, 0, 0 },
    { "十", 10, 0, 0 },
    { "十一", 11, 0, 0 },
    { "十五", 15, 0, 0 },
    { "二十", 20, 0, 0 },
    { "三十", 30, 0, 0 },
    { "九十九", 99, 0, 0 },
    { "一百", 100, 0, 0 },
    { "一百零五", 105, 0, 0 },
    { "一百二十", 120, 0, 0 },
    { "二千六百", 2600, 0, 0 },
    { "三千五", 3500, 0, 0 },
    { "三千零五", 3005, 0, 0 },
    { "一万", 10000, 0, 0 },
    { "两万三千", 23000, 0, 0 },
    { "十二万", 120000, 0, 0 },
    { "一亿二千万", 120000000, 0, 0 },
    { "廿", 20, 0, 0 },
    { "卅", 30, 0, 0 },
    { "二〇二三", 2023, 0, 0 },
    { "两三", 2, 3, 0 },
    { "三四", 3, 4, 0 },
    { "六七千", 6000, 7000, 0 },
    { "三四十", 30, 40, 0 },
    { "七八百", 700, 800, 0 },
};

static const char *const bad[] = {
    "", "千", "万", "百", "亿", "千万", "abc", "一二三四十", "十十", "1.2.3",
};

static void test_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        num_value v;
        int rc = num_parse(nt, good[i].text, strlen(good[i].text), &v);
        if (rc != 0)
            fail_msg("'%s' did not parse", good[i].text);
        if (fabs(v.value - good[i].value) > 1e-9)
            fail_msg("'%s' -> %.9g, want %.9g", good[i].text, v.value, good[i].value);
        assert_int_equal(v.has_max, good[i].value_max > 0);
        if (v.has_max)
            assert_double_equal(v.value_max, good[i].value_max);
        assert_int_equal(v.word, good[i].word);
    }
}

static void test_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        num_value v;
        if (num_parse(nt, bad[i], strlen(bad[i]), &v) == 0)
            fail_msg("'%s' parsed as %.9g but is not a number", bad[i], v.value);
    }
}

static void test_classes(void **state)
{
    (void)state;
    /* numbers start at a digit or 十/廿/卅, never at a bare magnitude */
    assert_non_null(strstr(num_class(nt, 0), "十"));
    assert_null(strstr(num_class(nt, 0), "千"));
    assert_null(strstr(num_class(nt, 0), "零"));
    assert_non_null(strstr(num_class(nt, 1), "千"));
}

static void test_bad_template(void **state)
{
    num_table *t = NULL;
    char *dir;
    (void)state;
    dir = write_template("numerals.tsv", "一\tdigit\t1\n一\tdigit\t1\n");
    assert_int_equal(num_table_load(&t, dir), LS_ERR_TEMPLATE);
    assert_null(t);
    remove_template(dir, "numerals.tsv");
    dir = write_template("numerals.tsv", "一\tdigit\tx\n");
    assert_int_equal(num_table_load(&t, dir), LS_ERR_TEMPLATE);
    remove_template(dir, "numerals.tsv");
}

/* how values print in the CSV, the state file and the workbook */
static void test_format_decimal(void **state)
{
    static const struct {
        double v;
        const char *s;
    } t[] = {
        { 0, "0" }, { -0.0, "-0" }, { 7, "7" }, { 27200, "27200" }, { 150000000, "150000000" },
        { 63.296, "63.296" }, { 4.6, "4.6" }, { 0.5, "0.5" }, { 1e15, "1000000000000000" },
        { -12, "-12" }, { 2.0000001, "2" }, { 123456789012.25, "123456789012.25" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
        char buf[48];
        format_decimal(t[i].v, buf, sizeof(buf));
        assert_string_equal(buf, t[i].s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_format_decimal),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_bad_template),
    };
    return cmocka_run_group_tests_name("number", tests, setup, teardown);
}
