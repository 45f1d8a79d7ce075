/*
 * store.c - blocks in an unlinked, shared-mapped file (store.h).
 *
 * The file is made sparse at its full size and mapped once, so blocks
 * never move; disk for it is reserved a chunk at a time, ahead of the
 * blocks handed out, so that writing a block never meets a full disk.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

#define STORE_SPAN ((size_t)1 << 40)     /* address space, and the sparse file's size */
#define STORE_MIN_SPAN ((size_t)1 << 30) /* a filesystem that allows less is not worth it */
#define STORE_CHUNK ((size_t)64 << 20)   /* disk reserved at a time */
#define STORE_ALIGN ((size_t)16)

struct store {
    char *dir;       /* for the message when its disk is full */
    int fd;
    char *base;
    size_t span;     /* bytes mapped */
    size_t used;     /* bytes handed out */
    size_t reserved; /* disk reserved for [0, reserved) */
    int full;        /* the disk or the span ran out: the heap from now on */
    pthread_mutex_t lock;
};

/* A file in @p dir that no one else can open and that goes with its
 * descriptor: O_TMPFILE, or a named file removed at once where the
 * filesystem has no O_TMPFILE. */
static int open_unlinked(const char *dir)
{
    char *path;
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    path = xstrfmt("%s/.locstat-store-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    free(path);
    return fd;
}

store *store_open(const char *dir)
{
    store *s = xcalloc(1, sizeof(*s));
    s->dir = xstrdup(dir);
    s->fd = open_unlinked(dir);
    if (s->fd < 0)
        goto fail;
    /* as large a sparse file and mapping as the filesystem and the
     * address space allow (ulimit -v, memcheck), up to the span */
    for (s->span = STORE_SPAN; s->span >= STORE_MIN_SPAN; s->span /= 2) {
        if (ftruncate(s->fd, (off_t)s->span))
            continue;
        s->base = mmap(NULL, s->span, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, s->fd, 0);
        if (s->base != MAP_FAILED)
            break;
        s->base = NULL;
    }
    if (!s->base)
        goto fail;
    pthread_mutex_init(&s->lock, NULL);
    return s;
fail: {
    int saved = errno; /* the caller says why */
    if (s->fd >= 0)
        close(s->fd);
    free(s->dir);
    free(s);
    errno = saved;
    return NULL;
}
}

void *store_alloc(store *s, size_t n)
{
    void *p = NULL;
    if (!s || n > s->span) /* and the rounding below cannot wrap */
        return NULL;
    n = (n + STORE_ALIGN - 1) & ~(STORE_ALIGN - 1);
    pthread_mutex_lock(&s->lock);
    if (!s->full && n <= s->span - s->used) {
        while (s->used + n > s->reserved && !s->full) {
            size_t grow = s->span - s->reserved < STORE_CHUNK ? s->span - s->reserved : STORE_CHUNK;
            /* an error code, not errno; glibc writes the blocks itself
             * where the filesystem cannot reserve them */
            int rc = posix_fallocate(s->fd, (off_t)s->reserved, (off_t)grow);
            if (rc) {
                warning("no room for the figures' file in '%s' (%s): the rest stay in memory",
                        s->dir, strerror(rc));
                s->full = 1;
            } else {
                s->reserved += grow;
            }
        }
        if (!s->full) {
            p = s->base + s->used;
            s->used += n;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return p;
}

size_t store_used(const store *s)
{
    return s ? s->used : 0;
}

void store_free(store *s)
{
    if (!s)
        return;
    munmap(s->base, s->span);
    close(s->fd);
    free(s->dir);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
