/*
 * corpus.h - which articles a run reads, in name order, and their bytes.
 *
 * A directory contributes its regular *.txt files; a file named on the
 * command line is taken as it is. Problems with an entry (missing,
 * unreadable, a directory named x.txt, too large) are reported per entry
 * so that the rest of the run goes on.
 */
#ifndef LS_CORPUS_H
#define LS_CORPUS_H

#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

typedef struct {
    char *path; /**< as opened */
    char *name; /**< file name, the CSV's `article` */
} corpus_entry;

typedef struct {
    corpus_entry *v;
    size_t n, alloc;
} corpus;

/**
 * Add @p path: a directory's *.txt files, or the file itself.
 * A path that does not exist is an error (printed); returns 0 or -1.
 */
int corpus_add(corpus *c, const char *path);
/** Sort entries by file name (then path), so runs are repeatable. */
void corpus_sort(corpus *c);
void corpus_release(corpus *c);

/**
 * Stat entry @p e into @p st, without reading it: what corpus_read would
 * refuse (not a regular file, over @p max_bytes) is refused here too,
 * with the same LS_ERR_IO or LS_ERR_TOO_LARGE and reason in @p why.
 */
ls_error corpus_stat(const corpus_entry *e, size_t max_bytes, struct stat *st, strbuf *why);

/**
 * Read entry @p e, refusing files over @p max_bytes, into *@p data (NUL
 * terminated, free it) and *@p len; @p st describes the file read (its
 * fstat). On failure returns LS_ERR_IO or LS_ERR_TOO_LARGE with the
 * reason in @p why.
 */
ls_error corpus_read(const corpus_entry *e, size_t max_bytes, char **data, size_t *len,
                     struct stat *st, strbuf *why);

#endif
