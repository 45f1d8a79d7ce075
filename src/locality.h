/*
 * locality.h - the gazetteer and the resolver of an article's locality.
 *
 * The gazetteer (templates/regions.tsv, GB/T 2260 codes down to urban
 * communities) is loaded into hash tables keyed by name, by short form
 * (templates/places.tsv) and by code. The resolver finds division names
 * in an article in one pass (a hash lookup at each character that can end
 * a name), settles ambiguous names by which of their ancestors the article
 * also mentions, and picks the article's primary locality: the most
 * specific place in the title, or else the place the mentions concentrate
 * on.
 */
#ifndef LS_LOCALITY_H
#define LS_LOCALITY_H

#include "text.h"
#include "util.h"

typedef struct gazetteer gazetteer;

/** Load regions.tsv and places.tsv. Prints its own message on failure. */
ls_error gaz_load(gazetteer **out, const char *tdir);
/** Free a gazetteer; accepts NULL and half-built ones. */
void gaz_free(gazetteer *g);
/** Number of divisions loaded. */
size_t gaz_size(const gazetteer *g);

/** Namesakes listed for an ambiguous place. */
#define LOC_MAX_CANDIDATES 8

/** An article's locality. Strings are owned by the result. */
typedef struct {
    int found;
    char *name;       /**< 景园社区, or the unknown label */
    char *code;       /**< 211103003001, or "" */
    char *path;       /**< 辽宁省 盘锦市 兴隆台区 渤海街道 景园社区 */
    int level;        /**< 1 province .. 5 community; 0 when not found */
    char *candidates; /**< when ambiguous: "path code; ..." else NULL */
    char *choices[LOC_MAX_CANDIDATES]; /**< the same, each "name code", for a
                                            place correction to pick from */
    size_t nchoices;
    char *note;       /**< why it needs a look, or NULL */
    uint32_t node;    /**< the gazetteer entry; meaningful only when found */
} loc_result;

/** Resolve the locality of @p doc into @p out (always filled). */
void loc_resolve(const gazetteer *g, const text_doc *doc, loc_result *out);
/** Resolve a locality from a bare text, e.g. a title (for tests). */
void loc_resolve_text(const gazetteer *g, const char *title, const char *body, loc_result *out);
void loc_release(loc_result *r);

/**
 * The division staff named in a place correction: a division code
 * (220723), a full name the gazetteer holds once (乾安县), or a review
 * candidate as written on the review sheet ("乾安县 220723 吉林省 …": its
 * code decides). Returns 0 and fills @p out, -1 when nothing matches, -2
 * when the name has namesakes (a code is needed).
 */
int loc_lookup(const gazetteer *g, const char *text, loc_result *out);

/**
 * The most specific place inside @p within (a resolved locality) that
 * s[0..len) names, e.g. 德建社区 in a sentence of an article about 乾安县;
 * NULL when there is none. The caller frees the result.
 */
char *loc_place(const gazetteer *g, const loc_result *within, const char *s, size_t len);

#endif
