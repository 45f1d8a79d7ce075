/*
 * outfile.h - writing an output file so that readers never see half of it.
 *
 * The content goes to a temporary file in the same directory; commit
 * flushes and fsyncs it and renames it over the target, so the old file
 * stays whole until the new one is complete. abort removes the temporary.
 */
#ifndef LS_OUTFILE_H
#define LS_OUTFILE_H

#include <stdio.h>

#include "util.h"

typedef struct {
    char *path;  /**< the target */
    char *tmp;   /**< the temporary beside it */
    FILE *fp;    /**< open on tmp, or NULL for writers that open by name */
    char *buf;   /**< fp's buffer, freed once fp is closed */
    int nosync;  /**< commit renames without fsync: readers never see half
                      of it while the system runs, but a power cut may leave
                      it short. Only for a file that checks itself and costs
                      nothing but time to lose (the cache). */
} outfile;

/**
 * Create the temporary for @p path. With @p open_stream, fp is ready for
 * writing; otherwise the caller writes to tmp by name (libxlsxwriter).
 * Prints "cannot write '...': ..." and returns LS_ERR_IO on failure.
 */
ls_error outfile_open(outfile *of, const char *path, int open_stream);
/** Flush, fsync and rename over the target. Prints its own message. */
ls_error outfile_commit(outfile *of);
/** Remove the temporary and free; safe on a zeroed or committed outfile. */
void outfile_abort(outfile *of);

/** Write @p len bytes to @p path atomically. Prints its own message. */
ls_error outfile_write(const char *path, const void *data, size_t len);

/**
 * Keep the file at @p path, byte for byte, as PATH.bak before it is
 * rewritten (atomically, so a crash leaves the old backup or the new one).
 * A missing file is no error. Prints its own message.
 */
ls_error outfile_backup(const char *path);

#endif
