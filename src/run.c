/* run.c - the pipeline over a corpus. */
#include "run.h"
#include "cache.h"
#include "store.h"
#include "tmpl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

ls_error run_rules_load(run_rules *rr, const char *tdir)
{
    ls_error err;
    memset(rr, 0, sizeof(*rr));
    rr->tdir = xstrdup(tdir);
    if ((err = num_table_load(&rr->nt, tdir)) || (err = text_rules_load(&rr->text, tdir)) ||
        (err = extract_rules_load(&rr->extract, tdir, rr->nt)) ||
        (err = classify_rules_load(&rr->classify, tdir)) ||
        (err = ind_rules_load(&rr->indicate, tdir)) || (err = gaz_load(&rr->gaz, tdir)))
        return err;
    return LS_OK;
}

void run_rules_release(run_rules *rr)
{
    extract_rules_free(rr->extract);
    classify_rules_free(rr->classify);
    ind_rules_free(rr->indicate);
    text_rules_free(rr->text);
    if (!rr->fork) {
        num_table_free(rr->nt);
        gaz_free(rr->gaz);
        free(rr->tdir);
    }
    memset(rr, 0, sizeof(*rr));
}

void run_rules_fork(run_rules *dst, const run_rules *src)
{
    *dst = *src;
    dst->fork = 1;
    dst->text = text_rules_fork(src->text);
    dst->extract = extract_rules_fork(src->extract);
    dst->classify = classify_rules_fork(src->classify);
    dst->indicate = ind_rules_fork(src->indicate);
}

static run_article *new_article(run_set *set, const char *name, const char *path)
{
    run_article *a;
    ALLOC_GROW(set->v, set->n + 1, set->alloc);
    a = &set->v[set->n++];
    memset(a, 0, sizeof(*a));
    a->name = xstrdup(name);
    a->path = xstrdup(path);
    a->locality = -1;
    return a;
}

static void fail(run_article *a, ls_error err, const strbuf *why)
{
    a->err = err;
    a->why = xstrdup(why->len ? why->buf : ls_strerror(err));
    error("cannot read '%s': %s", a->path, a->why);
}

/* What is said of an article taken from the cache, as when it was read;
 * @p unread: its file was not even opened. */
static void say_restored(const run_article *a, int unread)
{
    if (a->warnings)
        warning("'%s': %s", a->path, a->warnings);
    info("%s: %s, %s (%s), %zu figures, as before%s", a->name, a->encoding, a->loc.name,
         a->loc.code, a->figs.n, unread ? ", file unchanged" : "");
}

static void process(const run_rules *rr, cache *cc, run_article *a, const char *data,
                    size_t len)
{
    text_doc doc;
    strbuf why = STRBUF_INIT;
    ls_error err;

    a->bytes = len;
    hash_hex(data, len, a->hash);
    if (cache_restore(cc, a)) { /* read before, in these very bytes */
        say_restored(a, 0);
        return;
    }
    err = text_read(&doc, rr->text, data, len, &why);
    if (err) {
        fail(a, err, &why);
        text_release(&doc);
        sb_release(&why);
        return;
    }
    a->encoding = doc.encoding;
    a->traditional = doc.traditional;
    a->chars = doc.chars;
    a->title = doc.title ? xstrdup(doc.title) : NULL;
    a->source = doc.source ? xstrdup(doc.source) : NULL;
    a->reporter = doc.reporter ? xstrdup(doc.reporter) : NULL;
    a->date = doc.date ? xstrdup(doc.date) : NULL;
    a->warnings = doc.warnings ? xstrdup(doc.warnings) : NULL;
    a->n_fffd = doc.n_fffd;
    a->n_garbled = doc.n_garbled;
    a->truncated = doc.truncated;
    a->garbled_sample = doc.garbled_sample ? xstrdup(doc.garbled_sample) : NULL;
    if (a->warnings)
        warning("'%s': %s", a->path, a->warnings);

    loc_resolve(rr->gaz, &doc, &a->loc);
    extract_figures(rr->extract, &doc, &a->figs);
    classify_figures(rr->classify, &doc, a->figs.v, a->figs.n, a->figs.ctx);
    for (size_t i = 0; i < a->figs.n; i++) {
        ls_figure *f = &a->figs.v[i];
        const ls_figure *prev = i ? &a->figs.v[i - 1] : NULL;
        /* figures of one sentence share its place: look once */
        if (prev && (prev->sentence == f->sentence || !strcmp(prev->sentence, f->sentence))) {
            f->place = ls_shared_ref(prev->place);
        } else {
            char *place = loc_place(rr->gaz, &a->loc, f->sentence, strlen(f->sentence));
            f->place = place ? ls_shared_new(place, strlen(place)) : NULL;
            free(place);
        }
    }
    ind_assign(rr->indicate, &doc, &a->loc, a->figs.v, a->figs.n, a->figs.ctx);
    figure_list_drop_context(&a->figs); /* what the stages shared */
    cache_add(cc, a);
    info("%s: %s, %s (%s), %zu figures", a->name, doc.encoding, a->loc.name, a->loc.code,
         a->figs.n);
    text_release(&doc);
    sb_release(&why);
}

static void read_and_process(const run_rules *rr, cache *cc, store *st, run_article *a,
                             const corpus_entry *e, size_t max_bytes)
{
    strbuf why = STRBUF_INIT;
    char *data = NULL;
    size_t len = 0;
    struct stat sb;
    ls_error err;

    /* a file as it was when a run read it: restored without opening it */
    if (cache_has_files(cc)) {
        if ((err = corpus_stat(e, max_bytes, &sb, &why))) {
            fail(a, err, &why);
            goto done;
        }
        if (cache_file_key(e->path, &sb, a->file_key) && cache_restore_file(cc, a->file_key, a)) {
            say_restored(a, 1);
            goto done;
        }
    }
    if ((err = corpus_read(e, max_bytes, &data, &len, &sb, &why))) {
        fail(a, err, &why);
        goto done;
    }
    /* keyed now: whether it is too recent to tell is judged by the
     * moment it was read */
    cache_file_key(e->path, &sb, a->file_key);
    process(rr, cc, a, data, len);
    /* which content the file had, for the next run */
    if (a->err)
        a->file_key[0] = '\0';
    else
        cache_add_file(cc, a->file_key, a->hash);
done:
    /* read or restored, what the run keeps to its end */
    figure_list_pack(&a->figs, st);
    free(data);
    sb_release(&why);
}

/* Articles handed out one at a time to whichever thread is free; each
 * keeps its messages until those of every earlier article are out. */
typedef struct {
    const run_rules *rr;
    const corpus *c;
    cache *cache;
    store *store;
    size_t max_bytes;
    run_article *v; /* the set's entries for c->v[0..c->n) */
    atomic_size_t next;
    pthread_mutex_t lock; /* guards done, flushed and stderr */
    unsigned char *done;
    strbuf *log;
    size_t flushed;
} batch;

static void batch_done(batch *b, size_t i)
{
    pthread_mutex_lock(&b->lock);
    b->done[i] = 1;
    for (; b->flushed < b->c->n && b->done[b->flushed]; b->flushed++) {
        strbuf *log = &b->log[b->flushed];
        if (log->len)
            fwrite(log->buf, 1, log->len, stderr);
        sb_release(log);
    }
    pthread_mutex_unlock(&b->lock);
}

static void batch_work(batch *b, const run_rules *rr)
{
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->c->n)
            break;
        ls_capture(&b->log[i]);
        read_and_process(rr, b->cache, b->store, &b->v[i], &b->c->v[i], b->max_bytes);
        ls_capture(NULL);
        batch_done(b, i);
    }
}

static void *batch_thread(void *arg)
{
    batch *b = arg;
    run_rules fork;
    run_rules_fork(&fork, b->rr);
    batch_work(b, &fork);
    run_rules_release(&fork);
    rx_cleanup();
    return NULL;
}

void run_articles(run_set *set, const run_rules *rr, const corpus *c, size_t max_bytes, int jobs,
                  cache *cc)
{
    batch b;
    pthread_t *tid;
    int started = 0;

    if (!c->n)
        return;
    ALLOC_GROW(set->v, set->n + c->n, set->alloc);
    for (size_t i = 0; i < c->n; i++)
        new_article(set, c->v[i].name, c->v[i].path);
    memset(&b, 0, sizeof(b));
    b.rr = rr;
    b.c = c;
    b.cache = cc;
    b.store = set->store;
    b.max_bytes = max_bytes;
    b.v = &set->v[set->n - c->n];
    atomic_init(&b.next, 0);
    pthread_mutex_init(&b.lock, NULL);
    b.done = xcalloc(c->n, 1);
    b.log = xcalloc(c->n, sizeof(*b.log));
    if (jobs < 1)
        jobs = 1;
    if ((size_t)jobs > c->n)
        jobs = (int)c->n;
    tid = xcalloc((size_t)jobs, sizeof(*tid));
    /* this thread is one of the workers; a thread that cannot start
     * leaves its share to the others */
    for (int k = 1; k < jobs; k++)
        if (!pthread_create(&tid[started], NULL, batch_thread, &b))
            started++;
    batch_work(&b, rr);
    for (int k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    for (size_t i = 0; i < c->n; i++)
        set->failed += b.v[i].err != LS_OK;
    pthread_mutex_destroy(&b.lock);
    free(b.done);
    free(b.log);
    free(tid);
}

void run_article_from_memory(run_set *set, const run_rules *rr, const char *name,
                             const char *data, size_t len)
{
    run_article *a = new_article(set, name, name);
    process(rr, NULL, a, data, len);
    figure_list_pack(&a->figs, set->store);
    set->failed += a->err != LS_OK;
}

static uint64_t locality_key(const loc_result *l)
{
    strbuf sb = STRBUF_INIT;
    uint64_t h;
    sb_addf(&sb, "%s\x1f%s", l->code, l->name);
    h = XXH3_64bits(sb.buf, sb.len);
    sb_release(&sb);
    return h;
}

void run_group_localities(run_set *set)
{
    /* key -> locality index, open addressing: 100k articles, 2k places */
    size_t size = 64, mask;
    uint64_t *keys;
    size_t *index;

    while (size < set->n * 2)
        size *= 2;
    mask = size - 1;
    keys = xcalloc(size, sizeof(*keys));
    index = xcalloc(size, sizeof(*index));
    for (size_t i = 0; i < set->n; i++) {
        run_article *a = &set->v[i];
        uint64_t key;
        size_t h, k;
        if (a->err || a->duplicate_of) /* a copy is listed, not counted */
            continue;
        key = locality_key(&a->loc) | 1; /* 0 marks an empty slot */
        for (h = (size_t)key & mask; keys[h] && keys[h] != key; h = (h + 1) & mask)
            ;
        if (keys[h]) {
            k = index[h];
        } else {
            run_locality *l;
            ALLOC_GROW(set->loc, set->nloc + 1, set->loc_alloc);
            k = set->nloc++;
            l = &set->loc[k];
            memset(l, 0, sizeof(*l));
            l->name = xstrdup(a->loc.name);
            l->code = xstrdup(a->loc.code);
            l->path = xstrdup(a->loc.path);
            l->found = a->loc.found;
            keys[h] = key;
            index[h] = k;
        }
        a->locality = (int)k;
        set->loc[k].articles++;
        for (size_t f = 0; f < a->figs.n; f++)
            set->loc[k].figures[a->figs.v[f].category]++;
    }
    free(keys);
    free(index);
}

static const run_set *dup_set;
static int by_hash(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(dup_set->v[x].hash, dup_set->v[y].hash);
    return c ? c : x < y ? -1 : x > y; /* the first by name comes first */
}

void run_mark_duplicates(run_set *set)
{
    size_t *order = xmalloc((set->n + 1) * sizeof(*order)), m = 0;
    for (size_t i = 0; i < set->n; i++)
        if (!set->v[i].err)
            order[m++] = i;
    dup_set = set;
    qsort(order, m, sizeof(*order), by_hash);
    for (size_t k = 1; k < m; k++) {
        run_article *first = &set->v[order[k - 1]], *a = &set->v[order[k]];
        if (strcmp(first->hash, a->hash))
            continue;
        /* a third copy points at the first, not the second */
        a->duplicate_of = xstrdup(first->duplicate_of ? first->duplicate_of : first->name);
        warning("'%s' has the same content as '%s'; its figures are not counted again", a->path,
                a->duplicate_of);
        figure_list_release(&a->figs);
    }
    free(order);
}

size_t run_figure_count(const run_set *set)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++)
        n += set->v[i].figs.n;
    return n;
}

void run_article_clear(run_article *a)
{
    free(a->title);
    free(a->source);
    free(a->reporter);
    free(a->date);
    free(a->warnings);
    free(a->garbled_sample);
    a->title = a->source = a->reporter = a->date = a->warnings = a->garbled_sample = NULL;
    a->encoding = NULL;
    loc_release(&a->loc);
    figure_list_release(&a->figs);
}

void run_set_release(run_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        run_article *a = &set->v[i];
        run_article_clear(a);
        free(a->name);
        free(a->path);
        free(a->why);
        free(a->duplicate_of);
        free(a->loc_fix);
    }
    free(set->v);
    for (size_t i = 0; i < set->nloc; i++) {
        free(set->loc[i].name);
        free(set->loc[i].code);
        free(set->loc[i].path);
    }
    free(set->loc);
    for (size_t i = 0; i < set->nremoved; i++)
        free(set->removed[i]);
    free(set->removed);
    store_free(set->store); /* after every figure that may live in it */
    memset(set, 0, sizeof(*set));
}
