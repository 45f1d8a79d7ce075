/* test_xlsxtmp.c - libxlsxwriter's temporary files get the buffers asked
 * for, also those it opens itself, and the workbook is the same. */
#include "testlib.h"

#include <stdio_ext.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "xlsxtmp.h"

/* A stream's buffer is made at its first write: its size then. */
static size_t buffer_after_write(FILE *f)
{
    assert_int_equal(fputc('x', f), 'x');
    return __fbufsize(f);
}

static void tmpfile_buffers(void **state)
{
    FILE *f;
    (void)state;
    xt_begin(65536);
    f = lxw_tmpfile(NULL);
    assert_non_null(f);
    assert_int_equal(buffer_after_write(f), 65536);
    fclose(f);
    xt_end();
    /* after xt_end, stdio's own again */
    f = lxw_tmpfile(NULL);
    assert_non_null(f);
    assert_int_not_equal(buffer_after_write(f), 65536);
    fclose(f);
}

/* Rows written in constant-memory mode through a sheet whose file
 * libxlsxwriter opened; @p bufsize 0 leaves its buffers alone. Returns the
 * sheet's XML as read back with libzip. */
static char *write_book(const char *path, size_t bufsize, size_t *len)
{
    lxw_workbook_options wo = { .constant_memory = 1 };
    lxw_workbook *wb;
    lxw_worksheet *ws;
    zip_t *z;
    zip_file_t *zf;
    zip_stat_t st;
    char *xml;
    int err;

    if (bufsize)
        xt_begin(bufsize);
    wb = workbook_new_opt(path, &wo);
    assert_non_null(wb);
    ws = workbook_add_worksheet(wb, "数据");
    assert_non_null(ws);
    for (lxw_row_t r = 0; r < 20000; r++) {
        char cell[64];
        snprintf(cell, sizeof(cell), "第%u行：组织%u名党员", (unsigned)r, (unsigned)(r * 7 % 1000));
        assert_int_equal(worksheet_write_string(ws, r, 0, cell, NULL), LXW_NO_ERROR);
        assert_int_equal(worksheet_write_number(ws, r, 1, r * 0.5, NULL), LXW_NO_ERROR);
    }
    if (bufsize) /* the file libxlsxwriter opened for the rows has it */
        assert_int_equal(__fbufsize(ws->optimize_tmpfile), bufsize);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    if (bufsize)
        xt_end();

    z = zip_open(path, ZIP_RDONLY, &err);
    assert_non_null(z);
    assert_int_equal(zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st), 0);
    xml = malloc(st.size + 1);
    assert_non_null(xml);
    zf = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
    assert_non_null(zf);
    assert_int_equal(zip_fread(zf, xml, st.size), (zip_int64_t)st.size);
    xml[st.size] = '\0';
    zip_fclose(zf);
    zip_close(z);
    *len = st.size;
    return xml;
}

static void workbook_the_same(void **state)
{
    char path[] = "/tmp/locstat-xt-XXXXXX";
    int fd = mkstemp(path);
    size_t n1, n2;
    char *plain, *buffered;
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    plain = write_book(path, 0, &n1);
    buffered = write_book(path, 256 << 10, &n2);
    unlink(path);
    assert_true(n1 > 1000000); /* several buffers' worth */
    assert_int_equal(n1, n2);
    assert_memory_equal(plain, buffered, n1);
    assert_non_null(strstr(buffered, "第19999行：组织993名党员"));
    free(plain);
    free(buffered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tmpfile_buffers),
        cmocka_unit_test(workbook_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
