/* test_state.c - the state file: what state_save writes, state_load reads
 * back, in the form locstat writes and in the looser forms it accepts. */
#include "testlib.h"

#include "state.h"

static char *write_state(const char *content)
{
    return write_template("s.state.tsv", content);
}

static state load(const char *dir, int want)
{
    char path[256], *notice = NULL;
    state st;
    snprintf(path, sizeof(path), "%s/s.state.tsv", dir);
    assert_int_equal(state_load(&st, path, &notice), want);
    free(notice);
    return st;
}

static void test_round_trip(void **unused)
{
    state st, back;
    state_article *a;
    char path[256], *dir = write_state("");
    (void)unused;

    memset(&st, 0, sizeof(st));
    st.generation = 7;
    st.generation_time = 1790000000;
    memcpy(st.workbook, "0123456789abcdef0123456789abcdef", 33);
    st.v = calloc(1, sizeof(*st.v));
    st.n = st.alloc = 1;
    a = &st.v[0];
    a->name = strdup("a.txt");
    memcpy(a->hash, "fedcba9876543210fedcba9876543210", 33);
    a->first_seen = 1;
    a->last_changed = 2;
    a->gen_added = 3;
    a->nfigs = a->falloc = 3;
    a->figs = malloc(3 * sizeof(*a->figs));
    a->vals = malloc(3 * sizeof(*a->vals));
    a->fgen = malloc(3 * sizeof(*a->fgen));
    a->fkind = malloc(3);
    a->figs[0] = 0;
    a->vals[0] = UINT64_MAX;
    a->fgen[0] = 0;
    a->fkind[0] = 'N';
    a->figs[1] = 0x0a915d6b0c51cecdULL;
    a->vals[1] = 0xb66b72cfc4dd9ec5ULL;
    a->fgen[1] = 123456789;
    a->fkind[1] = '-';
    a->figs[2] = 1;
    a->vals[2] = 2;
    a->fgen[2] = -1; /* not one locstat writes, but written and read alike */
    a->fkind[2] = 'C';
    snprintf(path, sizeof(path), "%s/s.state.tsv", dir);
    assert_int_equal(state_save(&st, path), LS_OK);

    back = load(dir, 0);
    assert_int_equal(back.generation, 7);
    assert_string_equal(back.workbook, st.workbook);
    assert_int_equal(back.n, 1);
    assert_string_equal(back.v[0].name, "a.txt");
    assert_int_equal(back.v[0].nfigs, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(back.v[0].figs[i] == a->figs[i]);
        assert_true(back.v[0].vals[i] == a->vals[i]);
        assert_int_equal(back.v[0].fgen[i], a->fgen[i]);
        assert_int_equal(back.v[0].fkind[i], a->fkind[i]);
    }
    state_release(&back);
    state_release(&st);
    {
        char bak[300];
        snprintf(bak, sizeof(bak), "%s.bak", path);
        remove(bak);
    }
    remove_template(dir, "s.state.tsv");
}

/* Upper-case hex, short hex and a zero-padded generation are not what
 * locstat writes; they are read as before the fast path for F lines. */
static void test_loose_forms(void **unused)
{
    char *dir = write_state("# locstat state 2\n"
                            "G\t2\t1790000000\n"
                            "A\tb.txt\tfedcba9876543210fedcba9876543210\t1\t2\t1\t0\t0\n"
                            "F\t0A915D6B0C51CECD\tff\t007\tN\n"
                            "F\t0000000000000001\t0000000000000002\t12\t-\n"
                            "E\t1\n");
    state st = load(dir, 0);
    (void)unused;
    assert_int_equal(st.n, 1);
    assert_int_equal(st.v[0].nfigs, 2);
    assert_true(st.v[0].figs[0] == 0x0a915d6b0c51cecdULL);
    assert_true(st.v[0].vals[0] == 0xff);
    assert_int_equal(st.v[0].fgen[0], 7);
    assert_true(st.v[0].figs[1] == 1 && st.v[0].vals[1] == 2);
    assert_int_equal(st.v[0].fgen[1], 12);
    assert_int_equal(st.v[0].fkind[1], '-');
    state_release(&st);
    remove_template(dir, "s.state.tsv");
}

/* A figure line after the end line, or one with a field too many, is
 * damage: the state is started afresh (no .bak here). */
static void test_damage(void **unused)
{
    static const char *bad[] = {
        "F\t0000000000000001\t0000000000000002\t3\tN\nE\t1\nF\t0000000000000001\t0000000000000002\t3\tN\n",
        "F\t0000000000000001\t0000000000000002\t3\t\t\nE\t1\n",
    };
    (void)unused;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char content[512];
        char *dir;
        state st;
        snprintf(content, sizeof(content),
                 "# locstat state 2\nG\t1\t1\n"
                 "A\tc.txt\tfedcba9876543210fedcba9876543210\t1\t1\t1\t0\t0\n%s",
                 bad[i]);
        dir = write_state(content);
        st = load(dir, -1);
        assert_int_equal(st.n, 0);
        state_release(&st);
        remove_template(dir, "s.state.tsv");
    }
}

/* A workbook's hash, read a mebibyte at a time, is the hash of its bytes
 * whole (the state of earlier runs holds the latter); "" when unreadable. */
static int make_hash_file(void **fixture)
{
    static char path[] = "/tmp/locstat-hash-XXXXXX";
    int fd;
    strcpy(path, "/tmp/locstat-hash-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    *fixture = path;
    return 0;
}

/* removed even when an assertion fails half-way */
static int remove_hash_file(void **fixture)
{
    unlink(*fixture);
    return 0;
}

static void test_file_hash(void **fixture)
{
    static const size_t sizes[] = { 0, 1, (1u << 20) - 1, 1u << 20, (5u << 19) + 7 };
    const char *path = *fixture;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        size_t n = sizes[i];
        unsigned char *b = malloc(n + 1);
        char whole[33], piecewise[33];
        FILE *fp = fopen(path, "wb");
        assert_non_null(b);
        assert_non_null(fp);
        for (size_t k = 0; k < n; k++)
            b[k] = (unsigned char)(k * 2654435761u >> 13);
        assert_int_equal(fwrite(b, 1, n, fp), n);
        fclose(fp);
        hash_hex(b, n, whole);
        state_file_hash(path, piecewise);
        assert_string_equal(piecewise, whole);
        free(b);
    }
    unlink(path);
    {
        char hex[33] = "x";
        state_file_hash(path, hex);
        assert_string_equal(hex, "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test_setup_teardown(test_file_hash, make_hash_file, remove_hash_file),
        cmocka_unit_test(test_loose_forms),
        cmocka_unit_test(test_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
