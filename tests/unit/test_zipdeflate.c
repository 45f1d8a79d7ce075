/* test_zipdeflate.c - parts deflated in pieces read back whole, the same
 * bytes whatever the threads. Written through minizip as libxlsxwriter
 * writes them, read back with libzip, which checks each part's CRC. */
#include "testlib.h"

#include <minizip/zip.h>
#include <zip.h>

#include "zipdeflate.h"

/* Sheet-like text, compressible but not one repeated line: a part of
 * several pieces and a piece's worth of bytes at an odd offset. */
static unsigned char *sample(size_t n)
{
    unsigned char *b = malloc(n);
    uint32_t x = 12345;
    size_t i = 0;
    assert_non_null(b);
    while (i < n) {
        char row[96];
        x = x * 1103515245u + 12345u;
        int len = snprintf(row, sizeof(row), "<row r=\"%zu\"><c><v>%u</v></c></row>", i,
                           (unsigned)(x >> 16) % 100000u);
        for (int k = 0; k < len && i < n; k++)
            b[i++] = (unsigned char)row[k];
    }
    return b;
}

static void add_part(zipFile zf, const char *name, const unsigned char *b, size_t n, size_t step)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof(zi));
    /* the call libxlsxwriter 1.1.4 makes for every part */
    assert_int_equal(zipOpenNewFileInZip4_64(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                             Z_DEFAULT_COMPRESSION, 0, -MAX_WBITS, 8,
                                             Z_DEFAULT_STRATEGY, NULL, 0, 0, 0, 0),
                     ZIP_OK);
    for (size_t at = 0; at < n; at += step)
        assert_int_equal(zipWriteInFileInZip(zf, b + at, (unsigned)(n - at < step ? n - at : step)),
                         ZIP_OK);
    assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
}

#define BIG (3 * ZD_PIECE + ZD_PIECE / 3)
#define NOISE (ZD_PIECE + 5000)

/* Bytes deflate cannot shrink: each piece comes out larger than it went in. */
static unsigned char *noise(size_t n)
{
    unsigned char *b = malloc(n);
    uint64_t x = 88172645463325252ull;
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (unsigned char)(x >> 24);
    }
    return b;
}

/* One package: a part of three pieces and a bit, an empty part and a
 * small one, written on @p threads workers. */
static void write_package(const char *path, int threads, const unsigned char *big,
                          const unsigned char *rnd)
{
    zipFile zf;
    zd_begin(threads);
    zf = zipOpen64(path, 0);
    assert_non_null(zf);
    add_part(zf, "big.xml", big, BIG, 16384 + 7);
    add_part(zf, "empty.xml", big, 0, 1);
    add_part(zf, "small.xml", big, 1000, 300);
    add_part(zf, "noise.bin", rnd, NOISE, 65536);
    assert_int_equal(zipClose(zf, NULL), ZIP_OK);
    zd_end();
}

static void read_part(zip_t *z, const char *name, const unsigned char *want, size_t n)
{
    zip_stat_t st;
    zip_file_t *f;
    unsigned char *got = malloc(n + 1);
    zip_int64_t r;
    assert_non_null(got);
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
    assert_int_equal(st.size, n);
    if (n > ZD_PIECE && memcmp(name, "noise", 5))
        assert_true(st.comp_size < n / 2);
    f = zip_fopen(z, name, 0);
    assert_non_null(f);
    /* libzip checks the CRC when the part's end is read */
    r = zip_fread(f, got, n + 1);
    assert_int_equal(r, (zip_int64_t)n);
    assert_memory_equal(got, want, n);
    assert_int_equal(zip_fclose(f), 0);
    free(got);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *b;
    long len;
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    rewind(fp);
    b = malloc((size_t)len);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return b;
}

/* The two packages' paths, removed by the teardown even when an assertion
 * fails half-way. */
typedef struct {
    char one[32], two[32];
} packages;

static int make_packages(void **state)
{
    static packages p;
    int fd1, fd2;
    strcpy(p.one, "/tmp/locstat-zd-XXXXXX");
    strcpy(p.two, "/tmp/locstat-zd-XXXXXX");
    fd1 = mkstemp(p.one);
    fd2 = mkstemp(p.two);
    if (fd1 >= 0)
        close(fd1);
    if (fd2 >= 0)
        close(fd2);
    *state = &p;
    return fd1 < 0 || fd2 < 0;
}

static int remove_packages(void **state)
{
    packages *p = *state;
    unlink(p->one);
    unlink(p->two);
    return 0;
}

static void pieces_read_back_whole(void **state)
{
    packages *p = *state;
    const char *one = p->one, *two = p->two;
    unsigned char *big = sample(BIG), *rnd = noise(NOISE);
    zip_t *z;
    int err;
    unsigned char *a, *b;
    size_t na, nb;
    write_package(one, 0, big, rnd);
    write_package(two, 3, big, rnd);

    z = zip_open(one, ZIP_RDONLY, &err);
    assert_non_null(z);
    read_part(z, "big.xml", big, BIG);
    read_part(z, "empty.xml", big, 0);
    read_part(z, "small.xml", big, 1000);
    read_part(z, "noise.bin", rnd, NOISE);
    zip_close(z);

    /* the threads deflate the same pieces: the same bytes */
    a = slurp(one, &na);
    b = slurp(two, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    free(big);
    free(rnd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pieces_read_back_whole, make_packages, remove_packages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
