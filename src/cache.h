/*
 * cache.h - what earlier runs made of each article, so a rerun reads only
 * the new ones.
 *
 * A scheduled job reruns over every article each time articles are added.
 * What the pipeline makes of an article (its metadata, place and figures,
 * before corrections and before any article is compared with another)
 * depends only on its bytes, the templates and the program. The cache
 * (report.cache beside the report) keeps that per article, keyed by the
 * article's content hash, under one key for the templates and the program:
 * a rerun takes an unchanged article from it and gives output byte for byte
 * that of a full run. Another key, a cut-short or corrupt file (checked by
 * its checksum) or none at all means a full run; the cache is only ever a
 * shortcut, so losing it loses nothing but time.
 *
 * Records are appended as the workers finish articles, so a first run's
 * cache is written while the articles are read, not after; a rerun
 * appends only the new ones, and an unchanged rerun writes nothing. A
 * run cut short leaves the records it finished, and the next run uses
 * them. Records of articles no longer read stay until they are more
 * than half of the file, which is then rewritten with only the live ones.
 *
 * Beside what each content made, the cache keeps which content each file
 * had when it was read, keyed by its path and what stat says of it
 * (device, inode, size, modification and change times): a rerun stats
 * an unchanged file and restores it without opening it. A file changed
 * less than two seconds before it was read is not recorded (its times may
 * not show a change made within the same tick), so it is read again.
 */
#ifndef LS_CACHE_H
#define LS_CACHE_H

#include <sys/stat.h>

#include "run.h"
#include "util.h"

typedef struct cache cache;

/** The cache path for a report path: report.xlsx -> report.cache. */
char *cache_path_for(const char *report);

/**
 * The key of this run's results: a hash of every file in templates
 * directory @p tdir (names and bytes) and of the running program, as hex.
 */
void cache_key(const char *tdir, char hex[33]);

/**
 * Open the cache at @p path for a run under @p key: index the records it
 * holds when it was made under @p key, none when it is missing or made
 * under another key (it is then started again at the first cache_add).
 * Damage is said once on stderr, naming the file; the records before it
 * are still used. Never NULL.
 */
cache *cache_load(const char *path, const char *key);

/**
 * Fill @p a (as the pipeline would: metadata, place, figures) from the
 * record for content hash a->hash, checking the record's checksum first.
 * Returns 1 when there was a sound one, 0 when the article must be
 * processed (a damaged record is said once per run). Safe from several
 * threads at once.
 */
int cache_restore(cache *c, run_article *a);

/**
 * The key of the file at @p path as @p st describes it, into @p key (33
 * bytes): 1, or 0 and "" when its times are too recent to tell a later
 * change from it.
 */
int cache_file_key(const char *path, const struct stat *st, char key[33]);

/** Whether @p c (NULL: none) holds any file's record. */
int cache_has_files(const cache *c);

/**
 * Fill @p a from the record of the content the file with key @p key had
 * (its hash into a->hash, then as cache_restore). Returns 1 when restored,
 * 0 when the file must be read. Safe from several threads at once.
 */
int cache_restore_file(cache *c, const char *key, run_article *a);

/**
 * Remember that the file with key @p key ("" : nothing to remember) holds
 * content @p hash; appends a record unless the cache already says so.
 * Safe from several threads at once.
 */
void cache_add_file(cache *c, const char *key, const char *hash);

/**
 * Append the record of @p a, an article just processed without error.
 * Safe from several threads at once. Records are written a mebibyte at a
 * time; a failure to write is said once, and the run goes on without the
 * cache.
 */
void cache_add(cache *c, const run_article *a);

/**
 * Write out what cache_add still holds. When more than half of the file's
 * records are of contents or files not in @p set, rewrite the file
 * (atomically) with one record for each content of @p set processed
 * without error and one for each file of it with a file_key.
 * Call it before corrections and duplicates change the set. Prints its own
 * message.
 */
ls_error cache_finish(cache *c, const run_set *set);

/** Free @p c; NULL is fine. */
void cache_free(cache *c);

#endif
