/*
 * cache.c - the per-article results of earlier runs; see cache.h.
 *
 * The file is binary, written and read by this program only:
 *
 *   "locstat-cache 3\n", the key (32 hex digits), "\n"
 *   records, appended in the order articles were done:
 *     its kind ('A' or 'F'), its key (32 hex digits), the length of its
 *     body (u64), the XXH3-64 of the body seeded with the XXH3-64 of the
 *     kind, key and length (u64), the body
 *   'A', an article: keyed by its content hash, what the pipeline made of
 *     it (put_article)
 *   'F', a file: keyed by cache_file_key (its path and what stat says of
 *     it), the content hash it had (32 hex digits)
 *
 * Numbers are in the machine's byte order (the cache never leaves it; a
 * file from another machine fails its checksums or its key). Strings are a
 * u32 length, or 0xFFFFFFFF for none, and their bytes. Every read is
 * bounds-checked, so a damaged record is a miss, never a crash.
 *
 * Loading reads each record's header only (and a file record's hash): a
 * million articles' cache is 6 GB, and none of it stays in memory. A
 * header that is not one (a run killed mid-record, damage) ends the index
 * there, and the next append starts at that point. A record's body is checked when it is restored;
 * a damaged one is a miss, and the article's new record, appended later,
 * takes its place (the last record of a content wins). Appending never
 * touches the bytes a record already indexed, so the file the run reads
 * from stays whole; only a compaction replaces it, by a rename, at the end.
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "outfile.h"

#define CACHE_MAGIC "locstat-cache 3\n"
#define NO_STRING 0xFFFFFFFFu

typedef struct {
    char hash[33];
    size_t at, len; /* the record's header, its body's length */
} entry;

/* A file record: the file's key and the content hash it had, as bytes
 * (one per article: 36 bytes, not 80 as hex, at a million articles). */
typedef struct {
    unsigned char key[16], hash[16];
    uint32_t seq; /* its place among the file records */
} file_entry;

struct cache {
    char *path, key[33];
    int fd;      /* the file as loaded, or -1 */
    size_t len;  /* its length */
    size_t end;  /* where its last sound record ends: appends go there */
    entry *v;    /* the records indexed, one per content, by hash */
    size_t n;
    file_entry *f; /* the file records, one per key, by key */
    size_t nf;
    size_t nrec; /* records in the file, the superseded counted */
    atomic_int said_damage;

    pthread_mutex_t lock; /* guards what follows */
    int wfd;              /* open for appending, or -1 */
    int failed;           /* cannot write it: appends stop */
    strbuf pending;       /* records not yet written */
    size_t added;         /* records appended this run */
    size_t wstart, wend;  /* the bytes appended this run */
    size_t dropped;       /* up to where they left the page cache */
    size_t keep;          /* how many of them may stay there */
};

/* Bytes written at a time. */
#define CACHE_CHUNK ((size_t)1 << 20)
/* Bytes handed back to the page cache at a time, once written to disk. */
#define CACHE_DROP ((size_t)64 << 20)
/* A record's header: kind, key (32 hex digits), body length, checksum. */
#define RECORD_HEAD (1 + 32 + 2 * sizeof(uint64_t))
/* Bytes read at a time when indexing. */
#define INDEX_CHUNK ((size_t)256 << 10)
#define KIND_ARTICLE 'A'
#define KIND_FILE 'F'
/* A file whose times are this close to the moment it was looked at may
 * change again within the same timestamp (as git's racy files): such a
 * file is read every run until it is older. Two seconds covers the
 * coarsest timestamps Linux filesystems keep (FAT's). */
#define RACY_SECONDS 2

/* Read exactly @p n bytes at @p off. Returns 0, or -1 with errno set. */
static int read_at(int fd, void *buf, size_t n, size_t off)
{
    char *p = buf;
    while (n) {
        ssize_t got = pread(fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO; /* shorter than it said: replaced in place */
            return -1;
        }
        p += got;
        n -= (size_t)got;
        off += (size_t)got;
    }
    return 0;
}

char *cache_path_for(const char *report)
{
    const char *dot = strrchr(report, '.'), *slash = strrchr(report, '/');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - report) : strlen(report);
    return xstrfmt("%.*s.cache", (int)stem, report);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_file(XXH3_state_t *h, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len) == LS_OK)
        XXH3_128bits_update(h, data, len);
    free(data);
}

void cache_key(const char *tdir, char hex[33])
{
    XXH3_state_t *h = XXH3_createState();
    DIR *d = opendir(tdir);
    char **names = NULL;
    size_t n = 0, alloc = 0;
    XXH128_hash_t sum;

    if (!h)
        die("out of memory");
    XXH3_128bits_reset(h);
    XXH3_128bits_update(h, CACHE_MAGIC, strlen(CACHE_MAGIC));
    /* the program: a rebuild may read the same templates differently */
    hash_file(h, "/proc/self/exe");
    XXH3_128bits_update(h, LOCSTAT_VERSION, strlen(LOCSTAT_VERSION));
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = xstrfmt("%s/%s", tdir, names[i]);
        XXH3_128bits_update(h, names[i], strlen(names[i]) + 1);
        hash_file(h, path);
        free(path);
        free(names[i]);
    }
    free(names);
    sum = XXH3_128bits_digest(h);
    XXH3_freeState(h);
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)sum.high64,
             (unsigned long long)sum.low64);
}

/* ---- writing ---- */

static void put(strbuf *sb, const void *p, size_t n)
{
    sb_add(sb, p, n);
}

static void put_u64(strbuf *sb, uint64_t v)
{
    put(sb, &v, sizeof(v));
}

static void put_i32(strbuf *sb, int v)
{
    int32_t x = (int32_t)v;
    put(sb, &x, sizeof(x));
}

static void put_f64(strbuf *sb, double v)
{
    put(sb, &v, sizeof(v));
}

static void put_str(strbuf *sb, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : NO_STRING;
    put(sb, &n, sizeof(n));
    if (s)
        put(sb, s, n);
}

static void put_article(strbuf *sb, const run_article *a)
{
    const loc_result *l = &a->loc;
    const char *prev = NULL;

    put_u64(sb, a->bytes);
    put_str(sb, a->encoding);
    put_i32(sb, a->traditional);
    put_u64(sb, a->chars);
    put_str(sb, a->title);
    put_str(sb, a->source);
    put_str(sb, a->reporter);
    put_str(sb, a->date);
    put_str(sb, a->warnings);
    put_u64(sb, a->n_fffd);
    put_u64(sb, a->n_garbled);
    put_i32(sb, a->truncated);
    put_str(sb, a->garbled_sample);
    put_i32(sb, l->found);
    put_str(sb, l->name);
    put_str(sb, l->code);
    put_str(sb, l->path);
    put_i32(sb, l->level);
    put_str(sb, l->candidates);
    put_u64(sb, l->nchoices);
    for (size_t i = 0; i < l->nchoices; i++)
        put_str(sb, l->choices[i]);
    put_str(sb, l->note);
    put_u64(sb, l->node);
    put_u64(sb, a->figs.n);
    /* a sentence is written once for the figures in a row that share it */
    for (size_t i = 0; i < a->figs.n; i++) {
        const ls_figure *f = &a->figs.v[i];
        int same = prev && (f->sentence == prev || !strcmp(f->sentence, prev));
        put_i32(sb, same);
        if (!same)
            put_str(sb, f->sentence);
        prev = f->sentence;
        put_f64(sb, f->value);
        put_f64(sb, f->value_max);
        put_i32(sb, f->has_max);
        put_str(sb, f->unit);
        put_i32(sb, (int)f->qualifier);
        put_str(sb, f->period);
        put_i32(sb, (int)f->status);
        put_i32(sb, (int)f->category);
        put_str(sb, f->indicator);
        put_i32(sb, f->ind);
        put_str(sb, f->surface);
        put_str(sb, f->place);
        put_i32(sb, f->nth);
        put_u64(sb, f->start);
        put_u64(sb, f->end);
        put_u64(sb, f->offset);
    }
}

/* A record's header for the body @p body of @p len bytes, of kind @p kind
 * under key @p key. */
static void put_head(strbuf *sb, char kind, const char *key, const char *body, size_t len)
{
    char head[1 + 32 + sizeof(uint64_t)];
    uint64_t n = len;

    head[0] = kind;
    memcpy(head + 1, key, 32);
    memcpy(head + 33, &n, sizeof(n));
    put(sb, head, sizeof(head));
    put_u64(sb, XXH3_64bits_withSeed(body, len, XXH3_64bits(head, sizeof(head))));
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t done = write(fd, p, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return -1;
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

/* Open the file for appending: from the end of its last sound record, or
 * from its start when nothing of it was indexed (missing, made under
 * another key, damaged at its head). Called with c->lock held. */
static int open_for_append(cache *c)
{
    struct stat st;
    int fd = open(c->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);

    if (fd < 0)
        return -1;
    errno = 0;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        int saved = errno;
        close(fd);
        errno = saved ? saved : EINVAL; /* a FIFO, a device */
        return -1;
    }
    if (c->fd < 0) {
        strbuf head = STRBUF_INIT;
        sb_addf(&head, "%s%s\n", CACHE_MAGIC, c->key);
        c->end = 0;
        if (ftruncate(fd, 0) || write_all(fd, head.buf, head.len)) {
            sb_release(&head);
            close(fd);
            return -1;
        }
        c->end = head.len;
        sb_release(&head);
    } else if (ftruncate(fd, (off_t)c->end) || lseek(fd, 0, SEEK_END) < 0) {
        close(fd);
        return -1;
    }
    c->wfd = fd;
    c->wstart = c->wend = c->dropped = c->end;
    return 0;
}

/* Past an eighth of memory, what this run appended leaves the page cache
 * once it is on disk. A first run over a million articles appends 6 GB
 * while it still reads 4.6 GB of articles: kept, those pages pushed the
 * articles not yet read out of memory, and the run read them from disk
 * (the article stage 480 -> 576 s). A smaller cache stays, so that the
 * next run finds it in memory. Called with c->lock held. */
static void drop_written(cache *c)
{
    /* start the disk write now, so that the wait below is short */
    sync_file_range(c->wfd, (off_t)(c->wend - c->pending.len), (off_t)c->pending.len,
                    SYNC_FILE_RANGE_WRITE);
    while (c->wend - c->wstart > c->keep && c->wend - c->dropped >= 2 * CACHE_DROP) {
        sync_file_range(c->wfd, (off_t)c->dropped, (off_t)CACHE_DROP,
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                            SYNC_FILE_RANGE_WAIT_AFTER);
        posix_fadvise(c->wfd, (off_t)c->dropped, (off_t)CACHE_DROP, POSIX_FADV_DONTNEED);
        c->dropped += CACHE_DROP;
    }
}

/* Write out c->pending. Called with c->lock held. */
static void flush_pending(cache *c)
{
    if (!c->failed && ((c->wfd < 0 && open_for_append(c)) ||
                       write_all(c->wfd, c->pending.buf, c->pending.len))) {
        error("cannot write '%s': %s; the next run reads every new article again", c->path,
              strerror(errno));
        c->failed = 1;
    } else if (!c->failed) {
        c->wend += c->pending.len;
        drop_written(c);
    }
    c->pending.len = 0;
}

void cache_add(cache *c, const run_article *a)
{
    strbuf body = STRBUF_INIT;

    if (!c || a->err)
        return;
    put_article(&body, a); /* on this thread: the lock is held for a copy */
    pthread_mutex_lock(&c->lock);
    if (!c->failed) {
        put_head(&c->pending, KIND_ARTICLE, a->hash, body.buf, body.len);
        put(&c->pending, body.buf, body.len);
        c->added++;
        if (c->pending.len >= CACHE_CHUNK)
            flush_pending(c);
    }
    pthread_mutex_unlock(&c->lock);
    sb_release(&body);
}

static const run_set *order_set;
static int by_article_hash(const void *a, const void *b)
{
    return strcmp(order_set->v[*(const size_t *)a].hash, order_set->v[*(const size_t *)b].hash);
}

static int by_article_file_key(const void *a, const void *b)
{
    return strcmp(order_set->v[*(const size_t *)a].file_key,
                  order_set->v[*(const size_t *)b].file_key);
}

/* Write a file of the records of set->v[order[0..n)], in that order, then
 * the file records of set->v[files[0..nfiles)], atomically. One article's
 * body at a time: the cache of a million articles is 6 GB, which a buffer
 * would add to the run's peak. No fsync:
 * a cache cut short by a power cut loses the records after the cut, not
 * results (600 MB take 1.9 s with it). */
static ls_error write_records(const run_set *set, const size_t *order, size_t n,
                              const size_t *files, size_t nfiles, const char *path, const char *key)
{
    outfile of;
    strbuf head = STRBUF_INIT, body = STRBUF_INIT;
    int failed = 0;

    if (outfile_open(&of, path, 1) != LS_OK)
        return LS_ERR_IO;
    of.nosync = 1;
    sb_addf(&head, "%s%s\n", CACHE_MAGIC, key);
    failed = fwrite(head.buf, 1, head.len, of.fp) != head.len;
    for (size_t i = 0; i < n && !failed; i++) {
        const run_article *a = &set->v[order[i]];
        head.len = body.len = 0;
        put_article(&body, a);
        put_head(&head, KIND_ARTICLE, a->hash, body.buf, body.len);
        failed = fwrite(head.buf, 1, head.len, of.fp) != head.len ||
                 fwrite(body.buf, 1, body.len, of.fp) != body.len;
    }
    for (size_t i = 0; i < nfiles && !failed; i++) {
        const run_article *a = &set->v[files[i]];
        head.len = 0;
        put_head(&head, KIND_FILE, a->file_key, a->hash, 32);
        failed = fwrite(head.buf, 1, head.len, of.fp) != head.len ||
                 fwrite(a->hash, 1, 32, of.fp) != 32;
    }
    sb_release(&head);
    sb_release(&body);
    if (failed) {
        error("cannot write '%s': %s", of.tmp, strerror(errno));
        outfile_abort(&of);
        return LS_ERR_IO;
    }
    return outfile_commit(&of);
}

ls_error cache_finish(cache *c, const run_set *set)
{
    size_t *order, *files, m = 0, k = 0, nfiles = 0, kf = 0, records;
    ls_error err = LS_OK;

    pthread_mutex_lock(&c->lock);
    if (c->pending.len)
        flush_pending(c);
    pthread_mutex_unlock(&c->lock);
    if (c->wfd >= 0) {
        if (close(c->wfd) && !c->failed) {
            error("cannot write '%s': %s", c->path, strerror(errno));
            c->failed = 1;
        }
        c->wfd = -1;
    }
    if (c->failed)
        return LS_ERR_IO;
    /* the live contents: one record each, in hash order, so a rewritten
     * file does not depend on names or on the order articles were read */
    order = xmalloc((set->n + 1) * sizeof(*order));
    for (size_t i = 0; i < set->n; i++)
        if (!set->v[i].err) /* cheap to fail again, and its message is wanted */
            order[m++] = i;
    order_set = set;
    qsort(order, m, sizeof(*order), by_article_hash);
    for (size_t i = 0; i < m; i++)
        if (!k || strcmp(set->v[order[i]].hash, set->v[order[k - 1]].hash))
            order[k++] = order[i];
    /* and the files read, one record each, in key order */
    files = xmalloc((set->n + 1) * sizeof(*files));
    for (size_t i = 0; i < set->n; i++)
        if (!set->v[i].err && set->v[i].file_key[0])
            files[nfiles++] = i;
    if (nfiles)
        qsort(files, nfiles, sizeof(*files), by_article_file_key);
    for (size_t i = 0; i < nfiles; i++)
        if (!kf || strcmp(set->v[files[i]].file_key, set->v[files[kf - 1]].file_key))
            files[kf++] = files[i];
    nfiles = kf;
    records = c->nrec + c->added;
    /* mostly dead: articles removed, records superseded */
    if (records > 2 * (k + nfiles))
        err = write_records(set, order, k, files, nfiles, c->path, c->key);
    free(order);
    free(files);
    return err;
}

/* ---- reading ---- */

typedef struct {
    const char *p;
    size_t left;
    int bad;
} reader;

static int get(reader *r, void *out, size_t n)
{
    if (r->bad || r->left < n) {
        r->bad = 1;
        memset(out, 0, n);
        return 0;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return 1;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v;
    get(r, &v, sizeof(v));
    return v;
}

static int get_i32(reader *r)
{
    int32_t v;
    get(r, &v, sizeof(v));
    return v;
}

static double get_f64(reader *r)
{
    double v;
    get(r, &v, sizeof(v));
    return v;
}

/* A string; *len its length. NULL for none, or when the record is bad. */
static const char *get_span(reader *r, size_t *len)
{
    uint32_t n;
    const char *s;
    if (!get(r, &n, sizeof(n)) || n == NO_STRING)
        return NULL;
    if (r->left < n) {
        r->bad = 1;
        return NULL;
    }
    s = r->p;
    r->p += n;
    r->left -= n;
    *len = n;
    return s;
}

static char *get_str(reader *r)
{
    size_t n = 0;
    const char *s = get_span(r, &n);
    return s ? xstrndup(s, n) : NULL;
}

/* Into a fixed buffer of @p size bytes; too long is damage. */
static void get_fixed(reader *r, char *out, size_t size)
{
    size_t n = 0;
    const char *s = get_span(r, &n);
    if (!s || n >= size) {
        r->bad = 1;
        out[0] = '\0';
        return;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

static int restore(reader *r, run_article *a)
{
    loc_result *l = &a->loc;
    size_t nfigs;
    char *enc;

    a->bytes = get_u64(r);
    enc = get_str(r);
    a->encoding = enc ? text_encoding_known(enc) : NULL;
    if (!a->encoding)
        r->bad = 1;
    free(enc);
    a->traditional = get_i32(r);
    a->chars = get_u64(r);
    a->title = get_str(r);
    a->source = get_str(r);
    a->reporter = get_str(r);
    a->date = get_str(r);
    a->warnings = get_str(r);
    a->n_fffd = get_u64(r);
    a->n_garbled = get_u64(r);
    a->truncated = get_i32(r);
    a->garbled_sample = get_str(r);
    l->found = get_i32(r);
    l->name = get_str(r);
    l->code = get_str(r);
    l->path = get_str(r);
    l->level = get_i32(r);
    l->candidates = get_str(r);
    l->nchoices = get_u64(r);
    if (l->nchoices > LOC_MAX_CANDIDATES) {
        l->nchoices = 0;
        r->bad = 1;
    }
    for (size_t i = 0; i < l->nchoices; i++)
        l->choices[i] = get_str(r);
    l->note = get_str(r);
    l->node = (uint32_t)get_u64(r);
    if (!l->name || !l->code || !l->path)
        r->bad = 1;
    nfigs = get_u64(r);
    if (nfigs > r->left) /* each takes bytes: a wild count is damage */
        r->bad = 1;
    else if (nfigs > a->figs.alloc) { /* room for all at once, not grown to */
        a->figs.v = xrealloc(a->figs.v, nfigs * sizeof(*a->figs.v));
        a->figs.alloc = nfigs;
    }
    for (size_t i = 0; i < nfigs && !r->bad; i++) {
        ls_figure *f, *prev;
        int has_max, qualifier, status, category;
        ALLOC_GROW(a->figs.v, a->figs.n + 1, a->figs.alloc); /* may move the figures */
        prev = a->figs.n ? &a->figs.v[a->figs.n - 1] : NULL;
        f = &a->figs.v[a->figs.n++];
        memset(f, 0, sizeof(*f));
        if (get_i32(r)) {
            if (!prev) {
                r->bad = 1;
                break;
            }
            f->sentence = ls_shared_ref(prev->sentence);
        } else {
            size_t n = 0;
            const char *s = get_span(r, &n);
            if (!s) {
                r->bad = 1;
                break;
            }
            f->sentence = ls_shared_new(s, n);
        }
        f->value = get_f64(r);
        f->value_max = get_f64(r);
        has_max = get_i32(r);
        get_fixed(r, f->unit, sizeof(f->unit));
        qualifier = get_i32(r);
        get_fixed(r, f->period, sizeof(f->period));
        status = get_i32(r);
        category = get_i32(r);
        f->indicator = get_str(r);
        f->ind = get_i32(r);
        f->surface = get_str(r);
        {
            size_t n = 0;
            const char *s = get_span(r, &n);
            /* figures of one sentence share its place, as run.c makes them */
            if (s && prev && prev->place && f->sentence == prev->sentence &&
                strlen(prev->place) == n && !memcmp(prev->place, s, n))
                f->place = ls_shared_ref(prev->place);
            else if (s)
                f->place = ls_shared_new(s, n);
        }
        f->nth = get_i32(r);
        f->start = get_u64(r);
        f->end = get_u64(r);
        f->offset = get_u64(r);
        /* checked before the narrow fields take them */
        if ((unsigned)qualifier >= QUAL_MAX || (unsigned)category >= CAT_MAX ||
            (status != STATUS_DONE && status != STATUS_PLANNED) || (unsigned)has_max > 1 ||
            !f->indicator || !f->surface || f->ind < 0) {
            r->bad = 1;
            break;
        }
        f->has_max = (unsigned char)has_max;
        f->qualifier = (ls_qualifier)qualifier;
        f->status = (ls_status)status;
        f->category = (ls_category)category;
    }
    return !r->bad && r->left == 0;
}

static int by_hash(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->hash, ((const entry *)b)->hash);
}

/* By hash, then by place in the file. */
static int by_hash_then_at(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->hash, y->hash);
    return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

static void say_damage(cache *c)
{
    if (!atomic_exchange(&c->said_damage, 1))
        warning("'%s': a record is damaged; its article is read again", c->path);
}

/* 32 hex digits (checked by is_hash) to their 16 bytes */
static void unhex(const char *hex, unsigned char out[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = (unsigned char)(hex_digit((unsigned char)hex[2 * i]) << 4 |
                                 hex_digit((unsigned char)hex[2 * i + 1]));
}

static int by_key(const void *a, const void *b)
{
    return memcmp(((const file_entry *)a)->key, ((const file_entry *)b)->key, 16);
}

static int by_key_then_seq(const void *a, const void *b)
{
    const file_entry *x = a, *y = b;
    int c = memcmp(x->key, y->key, 16);
    return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

int cache_file_key(const char *path, const struct stat *st, char key[33])
{
    struct timespec now;
    XXH128_hash_t sum;
    int64_t v[7];
    strbuf sb = STRBUF_INIT;

    key[0] = '\0';
    if (clock_gettime(CLOCK_REALTIME, &now) ||
        st->st_mtim.tv_sec > now.tv_sec - RACY_SECONDS - 1 ||
        st->st_ctim.tv_sec > now.tv_sec - RACY_SECONDS - 1)
        return 0;
    /* what changes when its bytes do: ctime cannot be set back, and a
     * file put in its place has another inode or another ctime */
    v[0] = (int64_t)st->st_dev;
    v[1] = (int64_t)st->st_ino;
    v[2] = (int64_t)st->st_size;
    v[3] = (int64_t)st->st_mtim.tv_sec;
    v[4] = (int64_t)st->st_mtim.tv_nsec;
    v[5] = (int64_t)st->st_ctim.tv_sec;
    v[6] = (int64_t)st->st_ctim.tv_nsec;
    sb_add(&sb, v, sizeof(v));
    sb_add(&sb, path, strlen(path) + 1);
    sum = XXH3_128bits(sb.buf, sb.len);
    sb_release(&sb);
    snprintf(key, 33, "%016llx%016llx", (unsigned long long)sum.high64,
             (unsigned long long)sum.low64);
    return 1;
}

int cache_has_files(const cache *c)
{
    return c && c->nf;
}

int cache_restore_file(cache *c, const char *key, run_article *a)
{
    file_entry want = { { 0 }, { 0 }, 0 }, *f;

    if (!c || !c->nf || !key[0])
        return 0;
    unhex(key, want.key);
    f = bsearch(&want, c->f, c->nf, sizeof(*c->f), by_key);
    if (!f)
        return 0;
    for (int i = 0; i < 16; i++)
        snprintf(a->hash + 2 * i, 3, "%02x", f->hash[i]);
    if (cache_restore(c, a))
        return 1;
    a->hash[0] = '\0';
    return 0;
}

void cache_add_file(cache *c, const char *key, const char *hash)
{
    file_entry want = { { 0 }, { 0 }, 0 }, *f;

    if (!c || !key[0])
        return;
    unhex(key, want.key);
    unhex(hash, want.hash);
    f = c->nf ? bsearch(&want, c->f, c->nf, sizeof(*c->f), by_key) : NULL;
    if (f && !memcmp(f->hash, want.hash, 16))
        return; /* known: an unchanged rerun writes nothing */
    pthread_mutex_lock(&c->lock);
    if (!c->failed) {
        strbuf *sb = &c->pending;
        put_head(sb, KIND_FILE, key, hash, 32);
        put(sb, hash, 32);
        c->added++;
        if (sb->len >= CACHE_CHUNK)
            flush_pending(c);
    }
    pthread_mutex_unlock(&c->lock);
}

int cache_restore(cache *c, run_article *a)
{
    entry want = { { 0 }, 0, 0 }, *e;
    reader r;
    char *rec;
    uint64_t sum;

    if (!c || !c->n)
        return 0;
    memcpy(want.hash, a->hash, sizeof(want.hash));
    e = bsearch(&want, c->v, c->n, sizeof(*c->v), by_hash);
    if (!e)
        return 0;
    rec = xmalloc(RECORD_HEAD + e->len);
    if (read_at(c->fd, rec, RECORD_HEAD + e->len, e->at)) { /* read it again, then */
        free(rec);
        return 0;
    }
    memcpy(&sum, rec + RECORD_HEAD - sizeof(sum), sizeof(sum));
    if (sum != XXH3_64bits_withSeed(rec + RECORD_HEAD, e->len,
                                    XXH3_64bits(rec, RECORD_HEAD - sizeof(sum)))) {
        free(rec);
        say_damage(c);
        return 0;
    }
    r.p = rec + RECORD_HEAD;
    r.left = e->len;
    r.bad = 0;
    if (restore(&r, a)) {
        free(rec);
        return 1;
    }
    free(rec);
    run_article_clear(a); /* a record that passed its checksum but not the reader */
    return 0;
}

/* Open the file at @p path into c->fd and c->len. Returns 0, or -1 with
 * errno set. */
static int open_file(const char *path, cache *c)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), saved;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st))
        saved = errno;
    else if (!S_ISREG(st.st_mode))
        saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    else
        saved = 0;
    if (saved) {
        close(fd);
        errno = saved;
        return -1;
    }
    c->fd = fd;
    c->len = (size_t)st.st_size;
    return 0;
}

static int is_hash(const char *s)
{
    for (int i = 0; i < 32; i++)
        if (hex_digit((unsigned char)s[i]) < 0)
            return 0;
    return 1;
}

/* Index the records from @p at, reading each one's header, up to the end
 * or the first header that is not one. Returns NULL, or what is wrong. */
static const char *index_records(cache *c, size_t at)
{
    size_t alloc = 0, falloc = 0;
    const char *why = NULL;
    /* read ahead: a record is a few KiB, and a pread for each header (two
     * an article, with its file's) took longer than reading it all */
    char *buf = xmalloc(INDEX_CHUNK);
    size_t from = 0, have = 0; /* buf holds the file's [from, from + have) */

    while (at < c->len) {
        /* the header, and a file record's body with it */
        const char *hdr;
        size_t want = c->len - at < RECORD_HEAD + 32 ? c->len - at : RECORD_HEAD + 32;
        uint64_t len, sum;
        if (c->len - at < RECORD_HEAD) {
            why = "cut short";
            break;
        }
        if (at < from || at + want > from + have) {
            from = at;
            have = c->len - at < INDEX_CHUNK ? c->len - at : INDEX_CHUNK;
            if (read_at(c->fd, buf, have, from)) {
                why = strerror(errno);
                break;
            }
        }
        hdr = buf + (at - from);
        memcpy(&len, hdr + 33, sizeof(len));
        if ((hdr[0] != KIND_ARTICLE && hdr[0] != KIND_FILE) || !is_hash(hdr + 1) ||
            (hdr[0] == KIND_FILE && len != 32)) {
            why = "damaged";
            break;
        }
        if (len > c->len - at - RECORD_HEAD) {
            why = "cut short";
            break;
        }
        if (hdr[0] == KIND_ARTICLE) {
            entry *e;
            ALLOC_GROW(c->v, c->n + 1, alloc);
            e = &c->v[c->n++];
            memcpy(e->hash, hdr + 1, 32);
            e->hash[32] = '\0';
            e->at = at;
            e->len = (size_t)len;
        } else {
            memcpy(&sum, hdr + RECORD_HEAD - sizeof(sum), sizeof(sum));
            /* a damaged one is a miss: the file is read again */
            if (sum == XXH3_64bits_withSeed(hdr + RECORD_HEAD, 32,
                                            XXH3_64bits(hdr, RECORD_HEAD - sizeof(sum))) &&
                is_hash(hdr + RECORD_HEAD)) {
                file_entry *f;
                ALLOC_GROW(c->f, c->nf + 1, falloc);
                f = &c->f[c->nf++];
                unhex(hdr + 1, f->key);
                unhex(hdr + RECORD_HEAD, f->hash);
                f->seq = (uint32_t)(c->nf - 1);
            } else {
                say_damage(c);
            }
            c->nrec++;
        }
        at += RECORD_HEAD + (size_t)len;
    }
    free(buf);
    c->end = at;
    return why;
}

cache *cache_load(const char *path, const char *key)
{
    cache *c = xcalloc(1, sizeof(*c));
    size_t head = strlen(CACHE_MAGIC) + 33, k = 0;
    char hb[sizeof(CACHE_MAGIC) + 33];
    const char *why = NULL;

    c->path = xstrdup(path);
    memcpy(c->key, key, 32);
    c->fd = c->wfd = -1;
    {
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        c->keep = pages > 0 && size > 0 ? (size_t)pages / 8 * (size_t)size : (size_t)1 << 30;
    }
    atomic_init(&c->said_damage, 0);
    pthread_mutex_init(&c->lock, NULL);
    if (open_file(path, c)) {
        if (errno != ENOENT) /* missing is a first run */
            warning("cannot read '%s': %s; every article is read again", path, strerror(errno));
        return c;
    }
    if (c->len < head)
        why = "not a locstat cache, or cut short";
    else if (read_at(c->fd, hb, head, 0))
        why = strerror(errno);
    else if (memcmp(hb, CACHE_MAGIC, strlen(CACHE_MAGIC) - 2))
        why = "not a locstat cache, or cut short";
    else if (memcmp(hb, CACHE_MAGIC, strlen(CACHE_MAGIC)) ||
             memcmp(hb + strlen(CACHE_MAGIC), key, 32) || hb[head - 1] != '\n')
        goto empty; /* another version, other templates or another build: quietly */
    if (why) {
        warning("'%s': %s; every article is read again", path, why);
        goto empty;
    }
    if ((why = index_records(c, head)))
        warning("'%s': %s after %zu records; the articles of the rest are read again", path, why,
                c->n);
    c->nrec += c->n;
    /* the last record of a content wins: it was appended after the one
     * before it failed its checksum */
    if (c->n)
        qsort(c->v, c->n, sizeof(*c->v), by_hash_then_at);
    for (size_t i = 0; i < c->n; i++) {
        if (k && !strcmp(c->v[k - 1].hash, c->v[i].hash))
            k--;
        c->v[k++] = c->v[i];
    }
    c->n = k;
    /* and the last of a file */
    if (c->nf)
        qsort(c->f, c->nf, sizeof(*c->f), by_key_then_seq);
    k = 0;
    for (size_t i = 0; i < c->nf; i++) {
        if (k && !memcmp(c->f[k - 1].key, c->f[i].key, 16))
            k--;
        c->f[k++] = c->f[i];
    }
    c->nf = k;
    return c;
empty:
    free(c->v);
    c->v = NULL;
    c->n = 0;
    free(c->f);
    c->f = NULL;
    c->nf = c->nrec = 0;
    close(c->fd);
    c->fd = -1;
    return c;
}

void cache_free(cache *c)
{
    if (!c)
        return;
    free(c->v);
    free(c->f);
    if (c->fd >= 0)
        close(c->fd);
    if (c->wfd >= 0)
        close(c->wfd);
    sb_release(&c->pending);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
    free(c);
}
