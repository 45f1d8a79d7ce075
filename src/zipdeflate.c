/* zipdeflate.c - the workbook's parts deflated in pieces, on threads. */
#include "zipdeflate.h"

#include <dlfcn.h>
#include <minizip/zip.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

/* The fastest level: the workbook is mostly sheet XML, and zlib's level 1
 * takes half the time of its default for about a quarter more bytes.
 * ISA-L's level 1 takes half of zlib's for a few bytes fewer; minizip is
 * told level 1 either way (it writes it into the entry's flags). */
#define ZD_LEVEL Z_BEST_SPEED
/* what deflate may look back on: the piece before primes the next */
#define ZD_WINDOW 32768
#define ZD_MAX_THREADS 16

typedef enum { P_FREE, P_READY, P_BUSY, P_DONE } piece_state;

/* One piece of a part: the window before it, then its bytes. */
typedef struct {
    unsigned char *in;  /* ZD_WINDOW + ZD_PIECE: dict bytes, then len bytes */
    size_t dict, len;
    unsigned char *out; /* its deflated bytes */
    size_t out_len, out_cap;
    uLong crc;          /* crc32 of its len bytes */
    int last, failed;
    piece_state st;
} piece;

/* out_cap at least @p need bytes; 0 when there is no memory */
static int out_room(piece *p, size_t need)
{
    unsigned char *o;
    if (p->out_cap >= need)
        return 1;
    if (!(o = realloc(p->out, need)))
        return 0;
    p->out = o;
    p->out_cap = need;
    return 1;
}

#ifdef HAVE_ISAL
/* ISA-L's igzip: a stream and the buffer its level needs */
typedef struct {
    struct isal_zstream s;
    uint8_t *level_buf;
} zd_stream;

static int stream_init(zd_stream *zs)
{
    memset(zs, 0, sizeof(*zs));
    zs->level_buf = malloc(ISAL_DEF_LVL1_DEFAULT);
    return zs->level_buf != NULL;
}

static void stream_end(zd_stream *zs)
{
    free(zs->level_buf);
    zs->level_buf = NULL;
}

static uLong piece_crc(const unsigned char *b, size_t n)
{
    return crc32_gzip_refl(0, b, (uint64_t)n);
}

/* Deflate @p p's bytes into p->out, growing it until they all fit. */
static int deflate_into(zd_stream *zs, piece *p)
{
    struct isal_zstream *s = &zs->s;

    isal_deflate_init(s);
    s->level = 1;
    s->level_buf = zs->level_buf;
    s->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    s->flush = SYNC_FLUSH;
    s->end_of_stream = (uint16_t)p->last;
    if (p->dict && isal_deflate_set_dict(s, p->in, (uint32_t)p->dict) != COMP_OK)
        return 0;
    s->next_in = p->in + p->dict;
    s->avail_in = (uint32_t)p->len;
    p->out_len = 0;
    /* sheet XML shrinks to a seventh; bytes that do not, grow it below */
    if (!out_room(p, p->len / 2 + 1024))
        return 0;
    for (;;) {
        s->next_out = p->out + p->out_len;
        s->avail_out = (uint32_t)(p->out_cap - p->out_len);
        if (isal_deflate(s) != COMP_OK)
            return 0;
        p->out_len = p->out_cap - s->avail_out;
        /* done when it stopped with room to spare: everything in, flushed,
         * and the stream ended if this is its last piece */
        if (s->avail_out && !s->avail_in && (!p->last || s->internal_state.state == ZSTATE_END))
            return 1;
        if (!out_room(p, 2 * p->out_cap))
            return 0;
    }
}
#else
typedef z_stream zd_stream;

static int stream_init(zd_stream *zs)
{
    memset(zs, 0, sizeof(*zs));
    return deflateInit2(zs, ZD_LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

static void stream_end(zd_stream *zs)
{
    deflateEnd(zs);
}

static uLong piece_crc(const unsigned char *b, size_t n)
{
    return crc32_z(0L, b, n);
}

static int deflate_into(zd_stream *zs, piece *p)
{
    int rc;
    if (!out_room(p, deflateBound(zs, p->len) + 64) || deflateReset(zs) != Z_OK ||
        (p->dict && deflateSetDictionary(zs, p->in, (uInt)p->dict) != Z_OK))
        return 0;
    zs->next_in = p->in + p->dict;
    zs->avail_in = (uInt)p->len;
    zs->next_out = p->out;
    zs->avail_out = (uInt)p->out_cap;
    rc = deflate(zs, p->last ? Z_FINISH : Z_SYNC_FLUSH);
    p->out_len = p->out_cap - zs->avail_out;
    /* the bound leaves room for all of it: anything else is a failure */
    return !zs->avail_in && (p->last ? rc == Z_STREAM_END : rc == Z_OK);
}
#endif

/* Deflate @p p: the last piece ends the stream, the others end on a byte
 * boundary so that the next one's bytes follow them. */
static void deflate_piece(zd_stream *zs, piece *p)
{
    p->crc = piece_crc(p->in + p->dict, p->len);
    p->failed = !deflate_into(zs, p);
}

typedef int open_fn(zipFile, const char *, const zip_fileinfo *, const void *, uInt,
                    const void *, uInt, const char *, int, int, int, int, int, int, const char *,
                    uLong, uLong, uLong, int);
typedef int write_fn(zipFile, const void *, unsigned);
typedef int close_raw_fn(zipFile, ZPOS64_T, uLong);
typedef int close_fn(zipFile);

/* One package is written at a time, by one thread: the state is the
 * module's. The lock guards the pieces' states and stop. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t tid[ZD_MAX_THREADS];
    int nthreads, stop;
    piece *slot;
    size_t nslot;
    zd_stream inline_zs; /* the writing thread's, when no worker runs */
    int inline_ready;
    /* the part being written */
    zipFile file;       /* NULL: none is ours */
    size_t head, tail;  /* pieces written out, pieces handed over */
    piece *fill;        /* the piece being filled, or NULL */
    uLong crc;
    ZPOS64_T total;
    int err;            /* the first error, ZIP_OK if none */
    open_fn *next_open;
    write_fn *next_write;
    close_raw_fn *next_close_raw;
    close_fn *next_close;
} zd = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static int find_next(void)
{
    if (!zd.next_open) {
        *(void **)&zd.next_open = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
        *(void **)&zd.next_write = dlsym(RTLD_NEXT, "zipWriteInFileInZip");
        *(void **)&zd.next_close_raw = dlsym(RTLD_NEXT, "zipCloseFileInZipRaw64");
        *(void **)&zd.next_close = dlsym(RTLD_NEXT, "zipCloseFileInZip");
    }
    return zd.next_open && zd.next_write && zd.next_close_raw && zd.next_close;
}

static void *worker(void *arg)
{
    zd_stream zs;
    int ok = stream_init(&zs);
    (void)arg;
    pthread_mutex_lock(&zd.lock);
    for (;;) {
        piece *p = NULL;
        for (size_t i = zd.head; i < zd.tail; i++)
            if (zd.slot[i % zd.nslot].st == P_READY) {
                p = &zd.slot[i % zd.nslot];
                break;
            }
        if (!p) {
            if (zd.stop)
                break;
            pthread_cond_wait(&zd.cond, &zd.lock);
            continue;
        }
        p->st = P_BUSY;
        pthread_mutex_unlock(&zd.lock);
        if (ok)
            deflate_piece(&zs, p);
        else
            p->failed = 1;
        pthread_mutex_lock(&zd.lock);
        p->st = P_DONE;
        pthread_cond_broadcast(&zd.cond);
    }
    pthread_mutex_unlock(&zd.lock);
    if (ok)
        stream_end(&zs);
    return NULL;
}

static int make_slots(size_t n)
{
    zd.slot = calloc(n, sizeof(*zd.slot));
    if (!zd.slot)
        return 0;
    zd.nslot = n;
    for (size_t i = 0; i < n; i++)
        if (!(zd.slot[i].in = malloc(ZD_WINDOW + ZD_PIECE)))
            return 0;
    return 1;
}

static void free_slots(void)
{
    for (size_t i = 0; zd.slot && i < zd.nslot; i++) {
        free(zd.slot[i].in);
        free(zd.slot[i].out);
    }
    free(zd.slot);
    zd.slot = NULL;
    zd.nslot = 0;
}

void zd_begin(int threads)
{
    if (threads > ZD_MAX_THREADS)
        threads = ZD_MAX_THREADS;
    zd_end();
    /* enough pieces that the workers always have one while the oldest
     * waits to be written out */
    if (!make_slots(threads > 0 ? 2 * (size_t)threads + 2 : 1)) {
        free_slots();
        return;
    }
    zd.stop = 0;
    while (zd.nthreads < threads && !pthread_create(&zd.tid[zd.nthreads], NULL, worker, NULL))
        zd.nthreads++;
}

void zd_end(void)
{
    pthread_mutex_lock(&zd.lock);
    zd.stop = 1;
    pthread_cond_broadcast(&zd.cond);
    pthread_mutex_unlock(&zd.lock);
    while (zd.nthreads > 0)
        pthread_join(zd.tid[--zd.nthreads], NULL);
    if (zd.inline_ready)
        stream_end(&zd.inline_zs);
    zd.inline_ready = 0;
    /* a part left open (libxlsxwriter gave up on the package) is dropped */
    zd.file = NULL;
    zd.fill = NULL;
    zd.head = zd.tail = 0;
    free_slots();
}

/* Write out the oldest piece handed over, once it is deflated. */
static void write_oldest(void)
{
    piece *p = &zd.slot[zd.head % zd.nslot];
    pthread_mutex_lock(&zd.lock);
    while (p->st != P_DONE)
        pthread_cond_wait(&zd.cond, &zd.lock);
    pthread_mutex_unlock(&zd.lock);
    if (p->failed && zd.err == ZIP_OK)
        zd.err = ZIP_INTERNALERROR;
    if (zd.err == ZIP_OK) {
        int rc = zd.next_write(zd.file, p->out, (unsigned)p->out_len);
        if (rc != ZIP_OK)
            zd.err = rc;
    }
    zd.crc = crc32_combine(zd.crc, p->crc, (z_off_t)p->len);
    zd.total += p->len;
    pthread_mutex_lock(&zd.lock);
    p->st = P_FREE;
    zd.head++;
    pthread_mutex_unlock(&zd.lock);
}

/* The next piece to fill, primed with the last ZD_WINDOW bytes before it:
 * those of @p prev (its window and its bytes), if there is one. */
static piece *start_piece(const piece *prev)
{
    size_t have = prev ? prev->dict + prev->len : 0;
    size_t keep = have < ZD_WINDOW ? have : ZD_WINDOW;
    piece *p;
    if (zd.tail - zd.head == zd.nslot)
        write_oldest();
    p = &zd.slot[zd.tail % zd.nslot];
    /* a ring of one piece primes from itself: memmove */
    if (prev && keep)
        memmove(p->in, prev->in + have - keep, keep);
    p->dict = keep;
    p->len = 0;
    p->last = 0;
    return p;
}

/* Hand the piece being filled over to be deflated. */
static void hand_over(piece *p, int last)
{
    p->last = last;
    if (zd.nthreads) {
        pthread_mutex_lock(&zd.lock);
        p->st = P_READY;
        zd.tail++;
        pthread_cond_broadcast(&zd.cond);
        pthread_mutex_unlock(&zd.lock);
        return;
    }
    zd.tail++;
    if (!zd.inline_ready)
        zd.inline_ready = stream_init(&zd.inline_zs);
    if (zd.inline_ready)
        deflate_piece(&zd.inline_zs, p);
    else
        p->failed = 1;
    p->st = P_DONE;
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw,
                            int windowBits, int memLevel, int strategy, const char *password,
                            uLong crcForCrypting, uLong versionMadeBy, uLong flagBase, int zip64)
{
    int ours, rc;

    if (!find_next())
        return ZIP_INTERNALERROR;
    if (!zd.slot && !make_slots(1)) {
        free_slots();
        return ZIP_INTERNALERROR;
    }
    /* a part libxlsxwriter asks minizip to deflate: minizip is given it
     * raw, at the level the pieces are deflated at (it writes the level
     * into the entry's flags) */
    ours = method == Z_DEFLATED && !raw && !password && !zd.file;
    if (ours)
        level = ZD_LEVEL;
    rc = zd.next_open(file, filename, zipfi, extrafield_local, size_extrafield_local,
                      extrafield_global, size_extrafield_global, comment, method, level,
                      ours ? 1 : raw, windowBits, memLevel, strategy, password, crcForCrypting,
                      versionMadeBy, flagBase, zip64);
    if (rc == ZIP_OK && ours) {
        zd.file = file; /* the pieces go on numbering from the last part's */
        zd.crc = crc32(0L, Z_NULL, 0);
        zd.total = 0;
        zd.err = ZIP_OK;
        zd.fill = start_piece(NULL);
    }
    return rc;
}

int zipWriteInFileInZip(zipFile file, const void *buf, unsigned len)
{
    const unsigned char *b = buf;

    if (!zd.file || file != zd.file)
        return find_next() ? zd.next_write(file, buf, len) : ZIP_INTERNALERROR;
    while (len) {
        piece *p = zd.fill;
        size_t n = ZD_PIECE - p->len;
        if (n > len)
            n = len;
        memcpy(p->in + p->dict + p->len, b, n);
        p->len += n;
        b += n;
        len -= (unsigned)n;
        if (p->len == ZD_PIECE) {
            hand_over(p, 0);
            zd.fill = start_piece(p);
        }
    }
    return zd.err;
}

int zipCloseFileInZip(zipFile file)
{
    int rc;

    if (!zd.file || file != zd.file)
        return find_next() ? zd.next_close(file) : ZIP_INTERNALERROR;
    hand_over(zd.fill, 1);
    while (zd.head < zd.tail)
        write_oldest();
    zd.fill = NULL;
    zd.file = NULL;
    rc = zd.next_close_raw(file, zd.total, zd.crc);
    return zd.err != ZIP_OK ? zd.err : rc;
}
