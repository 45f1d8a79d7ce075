/*
 * state.h - what a run remembers for the next one: the manifest.
 *
 * The manifest (report.state.tsv beside the report) records each article's
 * content hash (XXH3-128), when it was first seen and last changed, and a
 * key per figure. Changes are counted in generations: a run that finds an
 * article added, changed or removed starts a new generation, and the
 * workbook marks what belongs to the current one. A rerun that finds
 * nothing changed keeps the generation, so it writes the same workbook
 * and leaves the manifest alone.
 */
#ifndef LS_STATE_H
#define LS_STATE_H

#include <stdint.h>
#include <time.h>

#include "run.h"
#include "util.h"

typedef struct {
    char *name;
    char hash[33];        /**< hex XXH3-128 of the file's bytes */
    long long first_seen;  /**< unix time */
    long long last_changed;
    int gen_added, gen_changed, gen_removed; /**< 0: never */
    uint64_t *figs;       /**< figure keys (surface and sentence) */
    uint64_t *vals;       /**< what each figure says (value, unit, category …) */
    int *fgen;            /**< generation a figure last became new or changed */
    char *fkind;          /**< 'N' new, 'C' changed, '-' neither */
    size_t nfigs, falloc;
} state_article;

typedef struct {
    int generation;
    long long generation_time;
    char workbook[33];    /**< hex XXH3-128 of the workbook last written, or "" */
    state_article *v;
    size_t n, alloc;
} state;

/** The manifest path for a report path: report.xlsx -> report.state.tsv. */
char *state_path_for(const char *report);

/**
 * Load @p path into @p st. A missing file is an empty state (first run).
 * A corrupt or cut-short one is restored from FILE.bak (state_save keeps
 * the previous state there); failing that the run starts afresh, so it
 * never fails for its memory. Either is reported on stderr even under -q
 * and in *@p notice for the review sheet (free it; NULL when all was
 * well). Returns 0 when read, 1 when restored, -1 when started afresh.
 */
int state_load(state *st, const char *path, char **notice);

/**
 * Compare @p set with @p st: mark each article and figure of @p set (its
 * change fields) and update @p st to describe @p set. Returns 1 when
 * anything changed (a new generation began), else 0.
 */
int state_update(state *st, run_set *set, time_t now);

/**
 * Write @p st to @p path atomically, keeping the previous file as
 * FILE.bak. Prints its own message.
 */
ls_error state_save(const state *st, const char *path);

/**
 * The hex XXH3-128 of the file at @p path into @p hex (33 bytes); ""
 * when it cannot be read. A workbook that still has the hash of the one
 * locstat wrote holds no edits of staff, and need not be read back.
 */
void state_file_hash(const char *path, char hex[33]);

void state_release(state *st);

#endif
