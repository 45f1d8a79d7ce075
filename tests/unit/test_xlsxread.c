/* test_xlsxread.c - reading saved workbooks back, cell by cell. */
#include "testlib.h"

#include "xlsxread.h"

#define CORPUS "tests/fuzz/corpus/workbook/"

typedef struct {
    unsigned row;
    char cells[4][64];
    int seen;
} probe;

/* Keep the cells of row p->row, columns A, B, C and BZ. */
static int keep(void *ctx, unsigned row, const char *const *cells)
{
    probe *p = ctx;
    static const int cols[4] = { 0, 1, 2, 77 };
    if (row != p->row)
        return 0;
    p->seen = 1;
    for (int i = 0; i < 4; i++)
        snprintf(p->cells[i], sizeof(p->cells[i]), "%s",
                 cols[i] < XR_MAX_COLS && cells[cols[i]] ? cells[cols[i]] : "");
    return 1;
}

static xr_book *open_ok(const char *name)
{
    xr_book *b;
    strbuf why = STRBUF_INIT;
    if (xr_open(&b, name, NULL, 0, &why) != LS_OK)
        fail_msg("%s: %s", name, why.buf);
    sb_release(&why);
    return b;
}

static void refused(const char *name, const char *words)
{
    xr_book *b;
    strbuf why = STRBUF_INIT;
    assert_int_equal(xr_open(&b, name, NULL, 0, &why), LS_ERR_WORKBOOK);
    assert_null(b);
    if (!strstr(why.buf, words))
        fail_msg("%s: '%s' does not say '%s'", name, why.buf, words);
    sb_release(&why);
}

/* Shared strings with rich-text runs and a phonetic guide (rPh), which
 * is not part of the text. */
static void test_shared_strings(void **state)
{
    probe p = { 1, { "" }, 0 }, q = { 2, { "" }, 0 };
    strbuf why = STRBUF_INIT;
    xr_book *b = open_ok(CORPUS "sst-phonetic.xlsx");
    (void)state;
    assert_int_equal(xr_sheet_count(b), 1);
    assert_string_equal(xr_sheet_name(b, 0), "养老服务");
    assert_int_equal(xr_read_sheet(b, 0, keep, &p, &why), LS_OK);
    assert_string_equal(p.cells[0], "文章");
    assert_string_equal(p.cells[1], "排除");
    /* C2 points past the table: the sheet is refused, saying so */
    assert_int_equal(xr_read_sheet(b, 0, keep, &q, &why), LS_ERR_WORKBOOK);
    assert_non_null(strstr(why.buf, "out of range"));
    assert_false(q.seen);
    sb_release(&why);
    xr_free(b);
}

/* Inline strings, prefixed element names (x:row), rows and cells without
 * their r attribute, a cell far to the right. */
static void test_inline_prefixed(void **state)
{
    probe p = { 2, { "" }, 0 }, q = { 3, { "" }, 0 };
    strbuf why = STRBUF_INIT;
    xr_book *b = open_ok(CORPUS "inline-prefixed.xlsx");
    (void)state;
    assert_int_equal(xr_read_sheet(b, 0, keep, &p, &why), LS_OK);
    assert_true(p.seen);
    assert_string_equal(p.cells[0], "文章");
    assert_string_equal(p.cells[1], "原文");
    assert_int_equal(xr_read_sheet(b, 0, keep, &q, &why), LS_OK);
    assert_string_equal(q.cells[0], "3");
    assert_string_equal(q.cells[1], "");
    sb_release(&why);
    xr_free(b);
}

/* The workbooks locstat, openpyxl and LibreOffice write. */
static void test_writers(void **state)
{
    static const char *const names[] = { CORPUS "locstat.xlsx", CORPUS "openpyxl-edited.xlsx",
                                         CORPUS "libreoffice-saved.xlsx" };
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        xr_book *b = open_ok(names[i]);
        strbuf why = STRBUF_INIT;
        probe head = { 2, { "" }, 0 };
        size_t k;
        for (k = 0; k < xr_sheet_count(b) && strcmp(xr_sheet_name(b, k), "养老服务"); k++)
            ;
        assert_true(k < xr_sheet_count(b));
        assert_int_equal(xr_read_sheet(b, k, keep, &head, &why), LS_OK);
        if (strcmp(head.cells[0], "地区") || strcmp(head.cells[2], "指标"))
            fail_msg("%s: header row reads '%s' '%s'", names[i], head.cells[0], head.cells[2]);
        sb_release(&why);
        xr_free(b);
    }
}

static void test_refused(void **state)
{
    (void)state;
    refused(CORPUS "not-a-zip.xlsx", "zip");
    refused(CORPUS "encrypted.xlsx", "password-protected");
    refused(CORPUS "no-sheets.xlsx", "no sheets");
    refused("tests/unit/test_xlsxread.c", "not a zip");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_strings),
        cmocka_unit_test(test_inline_prefixed),
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests_name("xlsxread", tests, NULL, NULL);
}
