/* test_store.c - blocks from the store: aligned, apart, kept, from several
 * threads at once and past the disk reserved at a time; figures packed
 * into it read as on the heap and leave it when their list grows. */
#include "testlib.h"

#include <errno.h>
#include <pthread.h>

#include "extract.h"
#include "store.h"

static int open_store(void **state)
{
    static char dir[] = "/tmp/locstat-store-XXXXXX";
    static store *st;
    strcpy(dir, "/tmp/locstat-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    st = store_open(dir);
    *state = st;
    rmdir(dir); /* the store's file has no name: nothing is left in it */
    return st ? 0 : -1;
}

static int close_store(void **state)
{
    store_free(*state);
    return 0;
}

static void aligned_and_apart(void **state)
{
    store *st = *state;
    size_t before = store_used(st);
    char *a = store_alloc(st, 1), *b = store_alloc(st, 17), *c = store_alloc(st, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal((uintptr_t)a % 16, 0);
    assert_int_equal((uintptr_t)b % 16, 0);
    assert_int_equal((uintptr_t)c % 16, 0);
    assert_true(b >= a + 1 && c >= b + 17);
    memset(b, 0x5a, 17);
    *a = 1;
    assert_int_equal(b[16], 0x5a);
    assert_int_equal(store_used(st) - before, 16 + 32);
}

/* Blocks larger than the disk reserved at a time (64 MiB), and one that
 * ends past two reservations: their ends are written and read back. */
static void past_the_reserved_disk(void **state)
{
    store *st = *state;
    size_t n = (size_t)40 << 20;
    for (int i = 0; i < 3; i++) {
        unsigned char *p = store_alloc(st, n);
        assert_non_null(p);
        p[0] = (unsigned char)(i + 1);
        p[n - 1] = (unsigned char)(i + 7);
        assert_int_equal(p[0], i + 1);
        assert_int_equal(p[n - 1], i + 7);
    }
    assert_null(store_alloc(st, (size_t)1 << 62)); /* past the mapping: the heap, then */
    assert_null(store_alloc(st, SIZE_MAX));        /* not rounded up to a small block */
}

enum { THREADS = 4, BLOCKS = 2000 };

typedef struct {
    store *st;
    int id;
    unsigned char *p[BLOCKS];
    size_t n[BLOCKS];
} worker;

static void *fill(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < BLOCKS; i++) {
        w->n[i] = (size_t)(i * 37 + w->id * 11) % 500 + 1;
        w->p[i] = store_alloc(w->st, w->n[i]);
        if (w->p[i])
            memset(w->p[i], w->id + 1, w->n[i]);
    }
    return NULL;
}

static void threads_at_once(void **state)
{
    static worker w[THREADS];
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t].st = *state;
        w[t].id = t;
        assert_int_equal(pthread_create(&tid[t], NULL, fill, &w[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(tid[t], NULL);
    /* each block holds what its thread wrote: none overlaps another */
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < BLOCKS; i++) {
            assert_non_null(w[t].p[i]);
            for (size_t k = 0; k < w[t].n[i]; k++)
                if (w[t].p[i][k] != t + 1)
                    fail_msg("thread %d block %d byte %zu was overwritten", t, i, k);
        }
}

static void no_store(void **state)
{
    (void)state;
    errno = 0;
    assert_null(store_open("/nonexistent/locstat"));
    assert_int_not_equal(errno, 0);
    assert_null(store_alloc(NULL, 16));
    assert_int_equal(store_used(NULL), 0);
    store_free(NULL);
}

/* Figures packed into the store keep their strings and their shared
 * sentence; a figure added after (a correction) takes the list to the
 * heap, and the list frees only what is the heap's. */
static void figures_in_the_store(void **state)
{
    figure_list l;
    ls_figure *f;
    memset(&l, 0, sizeof(l));
    for (int i = 0; i < 3; i++) {
        f = figure_list_push(&l);
        f->value = i;
        f->indicator = xstrfmt("指标%d", i);
        f->surface = xstrfmt("%d个", i);
        f->sentence = i < 2 ? (i ? ls_shared_ref(l.v[0].sentence) : ls_shared_new("第一句。", 12))
                            : ls_shared_new("第二句。", 12);
    }
    figure_list_pack(&l, *state);
    assert_int_equal(l.stored, 1);
    assert_null(l.pool);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[2].indicator, "指标2");
    assert_string_equal(l.v[1].surface, "1个");
    assert_ptr_equal(l.v[0].sentence, l.v[1].sentence);
    assert_string_equal(l.v[2].sentence, "第二句。");
    f = figure_list_push(&l);
    assert_int_equal(l.stored, 0);
    f->indicator = xstrdup("补录");
    f->surface = xstrdup("8户");
    f->sentence = ls_shared_new("", 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.v[0].sentence, "第一句。");
    ls_figure_set_indicator(&l.v[0], "改过");
    assert_string_equal(l.v[0].indicator, "改过");
    figure_list_release(&l); /* memcheck: nothing of the store freed, nothing lost */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aligned_and_apart),
        cmocka_unit_test(past_the_reserved_disk),
        cmocka_unit_test(threads_at_once),
        cmocka_unit_test(no_store),
        cmocka_unit_test(figures_in_the_store),
    };
    return cmocka_run_group_tests_name("store", tests, open_store, close_store);
}
