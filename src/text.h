/*
 * text.h - decoding and normalising one article.
 *
 * text_read() turns the bytes of an article file into a text_doc:
 *   1. decode (UTF-8 with or without BOM, UTF-16 with BOM, GB18030) into
 *      `raw`, remembering for every byte where it came from in the file;
 *   2. normalise into `s`: line ends, odd spaces and full-width ASCII
 *      unified, pinyin annotations removed (社區(qū) -> 社區), traditional
 *      script converted with OpenCC t2s when the article is traditional;
 *   3. cut the body at end markers (版权声明, 相关推荐 ...), drop a repeated
 *      title, rejoin paragraphs broken by captions, and label every line.
 * Every byte of `s` maps back to `raw` (src[]), and raw to the file, so a
 * figure found in `s` reports its surface as written and its file offset.
 *
 * The doc owns all its buffers; text_release() frees them.
 */
#ifndef LS_TEXT_H
#define LS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum {
    LINE_BODY,
    LINE_TITLE,
    LINE_HEADING, /**< short section heading; sets the context of what follows */
    LINE_CAPTION, /**< image caption */
    LINE_META     /**< 来源/记者/编辑 lines: not part of the story */
} text_line_kind;

typedef struct {
    size_t start, end; /**< byte range in s, without the '\n' */
    text_line_kind kind;
    int heading;       /**< index of the heading line above it, or -1 */
} text_line;

typedef struct {
    char *raw;          /**< decoded text, UTF-8, as written */
    size_t raw_len;
    uint32_t *raw_off;  /**< file offset of each raw byte (raw_len + 1 entries) */

    char *s;            /**< normalised title and body, one paragraph per line */
    size_t len;
    uint32_t *src;      /**< raw offset of each byte of s (len + 1 entries) */

    text_line *lines;
    size_t nlines;

    const char *encoding; /**< "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "GB18030" ... */
    int traditional;      /**< converted from traditional script */
    size_t chars;         /**< code points in title and body */
    char *title, *source, *reporter, *date; /**< metadata, or NULL */
    char *warnings;       /**< "; "-separated notes in English for stderr, or NULL */
    size_t n_fffd;        /**< U+FFFD replacement characters */
    size_t n_garbled;     /**< matches of the garbled patterns */
    int truncated;        /**< the file ended inside a character */
    char *garbled_sample; /**< the text around the first garbled run, or NULL */
} text_doc;

typedef struct text_rules text_rules;

/**
 * Load normalisation rules (templates/text.tsv). OpenCC opens on first
 * need. Prints its own message on failure.
 */
ls_error text_rules_load(text_rules **out, const char *tdir);
/** Free rules; accepts NULL and half-built rules. */
void text_rules_free(text_rules *r);
/**
 * A copy of @p r for another thread: it shares @p r's compiled patterns
 * (which must outlive it) and has its own match data and OpenCC handles.
 * Free it with text_rules_free() before @p r.
 */
text_rules *text_rules_fork(const text_rules *r);

/**
 * The static name of encoding @p name ("UTF-8", "GB18030" …) as
 * text_doc.encoding gives it, or NULL when text_read() never says it.
 */
const char *text_encoding_known(const char *name);

/**
 * Decode and normalise @p len bytes of @p data into @p doc.
 * On failure returns LS_ERR_EMPTY, LS_ERR_BINARY or LS_ERR_ENCODING and puts
 * a one-line explanation into @p why (e.g. "invalid byte 0x89 at offset 0").
 * @p doc is always safe to text_release().
 */
ls_error text_read(text_doc *doc, const text_rules *r, const char *data, size_t len,
                   strbuf *why);

void text_release(text_doc *doc);

/**
 * Decode @p len bytes of a file staff edit (corrections, templates) as
 * articles are decoded: UTF-8 with or without BOM, UTF-16 LE/BE with BOM,
 * GB18030. On success *out is NUL-terminated UTF-8 (free it) and
 * *encoding names what was read. On failure returns LS_ERR_ENCODING or
 * LS_ERR_BINARY with the reason in @p why.
 */
ls_error text_decode(const char *data, size_t len, char **out, size_t *out_len,
                     const char **encoding, strbuf *why);

/** File offset of normalised position @p pos. */
size_t text_file_offset(const text_doc *doc, size_t pos);
/** The text of s[start..end) as written in the article (original script). */
char *text_surface(const text_doc *doc, size_t start, size_t end);
/** Index of the line containing @p pos. */
size_t text_line_at(const text_doc *doc, size_t pos);
/** Longest reach of text_span() either side of its position, in bytes. */
#define TEXT_SPAN_MAX 600

/**
 * Bounds of the sentence around @p pos (ended by 。!?; or the line end,
 * and at most TEXT_SPAN_MAX bytes either side). With @p clause, commas and
 * colons end it too.
 */
void text_span(const text_doc *doc, size_t pos, int clause, size_t *start, size_t *end);

/** A figure's clause and sentence, as text_span() finds them: looked up
 * once by extract and handed to the stages after it. */
typedef struct {
    size_t clause_start, clause_end, sentence_start, sentence_end;
} text_context;

#endif
