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
 */
#ifndef LS_CACHE_H
#define LS_CACHE_H

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
 * Load the cache at @p path if it was made under @p key. Returns an empty
 * cache when the file is missing or made under another key; when it is
 * damaged, also says so once on stderr (naming the file) and the run is a
 * full one. Never NULL.
 */
cache *cache_load(const char *path, const char *key);

/**
 * Fill @p a (as the pipeline would: metadata, place, figures) from the
 * entry for content hash a->hash. Returns 1 when there was one, 0 when the
 * article must be processed. Safe from several threads at once.
 */
int cache_restore(const cache *c, run_article *a);

/**
 * Write the articles of @p set that were processed without error, one
 * record per content, under @p key, atomically; nothing when @p old (the
 * cache loaded under the same key, or NULL) already holds exactly those
 * contents. Call it before corrections and duplicates change the set.
 * Prints its own message.
 */
ls_error cache_save(const run_set *set, const char *path, const char *key, const cache *old);

/** Free @p c; NULL is fine. */
void cache_free(cache *c);

#endif
