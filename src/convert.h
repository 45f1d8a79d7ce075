/*
 * convert.h - OpenCC script conversion with a memo.
 *
 * OpenCC converts a text by cutting it into the longest keys of its phrase
 * dictionary and single characters, then looking each piece up. A single
 * character converts the same wherever it stands, so a converter that knows
 * the phrase dictionary's keys can ask OpenCC once per distinct character
 * and once per phrase, and give OpenCC's output byte for byte at a fraction
 * of its cost (OpenCC spends ~2000 instructions a byte in its tries).
 *
 * The keys come from a template (t2s-phrases.tsv or s2t-phrases.tsv, made
 * by templates/opencc-phrases.sh) that records the size and CRC-32 of the
 * OpenCC files it was made from. When the installed files differ, or no
 * list is given, every text goes to OpenCC whole: still right, only slower.
 *
 * A converter is used by one thread; each thread opens its own.
 */
#ifndef LS_CONVERT_H
#define LS_CONVERT_H

#include <stddef.h>

#include "util.h"

/* Where OpenCC keeps its files; the Makefile asks pkg-config. */
#ifndef OPENCC_DATADIR
#define OPENCC_DATADIR "/usr/share/opencc"
#endif

/** The phrase keys of one OpenCC configuration; shared, read-only. */
typedef struct cv_phrases cv_phrases;

/**
 * Load the phrase list @p name (e.g. "t2s-phrases.tsv") from templates
 * directory @p tdir. A missing file is not an error: *out is NULL and
 * conversion goes whole. A list made from other OpenCC files than those
 * installed under @p datadir is set aside with one warning (*out NULL).
 * Returns LS_ERR_TEMPLATE for a malformed line, naming file and line.
 */
ls_error cv_phrases_load(cv_phrases **out, const char *tdir, const char *name,
                         const char *datadir);

/** Free @p ph; NULL is fine. */
void cv_phrases_free(cv_phrases *ph);

/** A converter: one OpenCC handle and its memo. */
typedef struct cv_conv cv_conv;

/**
 * Open OpenCC configuration @p config ("t2s.json"). With @p ph (which must
 * be the list for that configuration and outlive the converter) conversion
 * is memoised; with NULL every call goes to OpenCC whole.
 * Returns NULL when OpenCC cannot open @p config (cv_error() says why).
 */
cv_conv *cv_open(const char *config, const cv_phrases *ph);

/** Why the last cv_open() failed, in OpenCC's words. */
const char *cv_error(void);

/**
 * Convert s[0..len): exactly what opencc_convert_utf8() gives for the same
 * bytes. Returns a NUL-terminated string the caller frees with free(),
 * its length in *olen; NULL if OpenCC failed.
 */
char *cv_convert(cv_conv *c, const char *s, size_t len, size_t *olen);

/** Does @p c use the memo (rather than converting whole texts)? */
int cv_memoised(const cv_conv *c);

/** Close OpenCC and free the memo; NULL is fine. */
void cv_free(cv_conv *c);

#endif
