/* xlsxtmp.c - libxlsxwriter's temporary files with larger buffers; see xlsxtmp.h. */
#include "xlsxtmp.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

typedef FILE *tmpfile_fn(char *tmpdir);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static tmpfile_fn *next_tmpfile;

/* the buffers given to the streams (stream_buffer), kept until xt_end */
static struct {
    pthread_mutex_t lock;
    size_t size; /* 0: stdio's own */
    char **v;
    size_t n, alloc;
} xt = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void find_next(void)
{
    *(void **)&next_tmpfile = dlsym(RTLD_NEXT, "lxw_tmpfile");
}

void xt_begin(size_t bytes)
{
    pthread_mutex_lock(&xt.lock);
    xt.size = bytes;
    pthread_mutex_unlock(&xt.lock);
}

void xt_end(void)
{
    pthread_mutex_lock(&xt.lock);
    for (size_t i = 0; i < xt.n; i++)
        free(xt.v[i]);
    free(xt.v);
    xt.v = NULL;
    xt.n = xt.alloc = 0;
    xt.size = 0;
    pthread_mutex_unlock(&xt.lock);
}

/* libxlsxwriter's own, with the buffer set before the first read or write
 * (the only moment setvbuf may be called); without memory for one, the
 * stream keeps stdio's */
FILE *lxw_tmpfile(char *tmpdir);
FILE *lxw_tmpfile(char *tmpdir)
{
    FILE *f;

    pthread_once(&once, find_next);
    if (!next_tmpfile)
        return NULL;
    f = next_tmpfile(tmpdir);
    pthread_mutex_lock(&xt.lock);
    if (f && xt.size) {
        char *buf = stream_buffer(f, xt.size);
        if (buf) {
            ALLOC_GROW(xt.v, xt.n + 1, xt.alloc);
            xt.v[xt.n++] = buf;
        }
    }
    pthread_mutex_unlock(&xt.lock);
    return f;
}
