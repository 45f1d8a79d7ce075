/*
 * store.h - room for what a run keeps to its end, in a file the kernel
 * may page out, rather than on the heap.
 *
 * A run keeps every article's figures until the outputs are written: 25
 * million of them, about 6.6 GB, at a million articles. In the store they
 * live in an unlinked file beside the report, mapped shared: written once
 * as each article is done and read in order by the later stages, they are
 * pages the kernel can write back and drop when memory is short, where
 * heap pages without swap cannot go anywhere. Blocks are never freed one
 * by one; the file goes when the store is freed or the process ends.
 *
 * Disk space is reserved before a block is handed out, so that a full
 * disk means "use the heap", never a fault on a mapped page.
 */
#ifndef LS_STORE_H
#define LS_STORE_H

#include <stddef.h>

typedef struct store store;

/**
 * A store in directory @p dir. Returns NULL when no file can be made or
 * mapped there (a filesystem without sparse files, no room for the
 * mapping); the caller then keeps everything on the heap, as it would.
 */
store *store_open(const char *dir);

/**
 * @p n bytes, aligned for any object, valid until store_free(). NULL when
 * @p s is NULL or full, or its disk has no room: use the heap. Safe to
 * call from several threads at once.
 */
void *store_alloc(store *s, size_t n);

/** Bytes handed out so far. */
size_t store_used(const store *s);

/** Unmap and close: every block is gone. Accepts NULL. */
void store_free(store *s);

#endif
