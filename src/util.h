/*
 * util.h - errors, allocation and growable buffers shared by every stage.
 *
 * Errors follow git: a function that fails prints nothing itself unless it
 * is the one that knows the file involved; it then calls error() once and
 * returns the result, e.g. `return error("cannot read '%s': %s", ...)`.
 * Allocation failure is not recoverable here: x*alloc() print and exit.
 */
#ifndef LS_UTIL_H
#define LS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/** Error codes returned by locstat functions; ls_strerror() names them. */
typedef enum {
    LS_OK = 0,
    LS_ERR_NOMEM,     /**< out of memory */
    LS_ERR_IO,        /**< a file could not be read or written */
    LS_ERR_EMPTY,     /**< the article has no text */
    LS_ERR_BINARY,    /**< the bytes are not text */
    LS_ERR_ENCODING,  /**< the text is in no encoding we know */
    LS_ERR_TOO_LARGE, /**< the file exceeds the size limit */
    LS_ERR_TEMPLATE,  /**< a template file is malformed */
    LS_ERR_REGEX,     /**< a pattern does not compile or failed to match */
    LS_ERR_OPENCC,    /**< OpenCC could not be opened */
    LS_ERR_XLSX,      /**< libxlsxwriter reported an error */
    LS_ERR_LOCKED,    /**< another run holds the output lock */
    LS_ERR_USAGE,     /**< bad command line */
    LS_ERR_WORKBOOK,  /**< a saved workbook could not be read back */
    LS_ERR_MAX
} ls_error;

/** A short English description of @p err. */
const char *ls_strerror(ls_error err);

/** Verbosity of messages on stderr: -1 none (fuzzers), 0 errors only (-q), 1 default, 2 -v. */
extern int ls_verbosity;

/** Print "locstat: error: ..." and return -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "locstat: warning: ..." unless quiet. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "locstat: ..." when verbose (-v). */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "locstat: fatal: ..." and exit(3). */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The directory of file @p path, to open or make files in: "." for a bare
 *  name, "/" for one at the root. */
char *path_dir(const char *path);

/** Grow array @p x (of @p alloc elements) so that it holds at least @p nr. */
#define ALLOC_GROW(x, nr, alloc)                                          \
    do {                                                                  \
        if ((size_t)(nr) > (alloc)) {                                     \
            (alloc) = (alloc) < 16 ? 16 : (alloc);                        \
            while ((alloc) < (size_t)(nr))                                \
                (alloc) *= 2;                                             \
            (x) = xrealloc((x), (alloc) * sizeof(*(x)));                  \
        }                                                                 \
    } while (0)

/** A growable NUL-terminated byte string (git's strbuf). */
typedef struct {
    char *buf;
    size_t len;
    size_t alloc;
} strbuf;

#define STRBUF_INIT { NULL, 0, 0 }

void sb_init(strbuf *sb);
void sb_release(strbuf *sb);
void sb_grow(strbuf *sb, size_t extra);
void sb_add(strbuf *sb, const void *data, size_t len);
void sb_addstr(strbuf *sb, const char *s);
void sb_addch(strbuf *sb, int c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Detach the buffer, no larger than its contents; the caller frees it. Never NULL. */
char *sb_detach(strbuf *sb, size_t *len);

/**
 * Send the calling thread's error(), warning() and info() lines to @p sink
 * instead of stderr while it is set (NULL: stderr again). Worker threads
 * keep an article's messages with it so that they print in article order.
 */
void ls_capture(strbuf *sink);

/** Read a whole file. Returns LS_OK or LS_ERR_IO with errno set. */
ls_error read_file(const char *path, char **data, size_t *len);

/**
 * Read what is left of open file @p fd, which @p st (its fstat) describes,
 * into *@p data (NUL terminated, free it) and *@p len: one allocation of
 * the size a regular file has, read up to that size or its end, whichever
 * comes first; other files (a pipe) are read to their end. Returns LS_OK
 * or LS_ERR_IO with errno set.
 */
ls_error read_fd(int fd, const struct stat *st, char **data, size_t *len);

/**
 * Give stream @p f, before its first read or write, a buffer of @p size
 * bytes. glibc sizes a buffer it allocates itself by the file system's
 * block (4 KiB), whatever setvbuf is asked, so the memory is handed to it.
 * Returns the buffer, to free once @p f is closed, or NULL when there is
 * none (the stream keeps stdio's own).
 */
char *stream_buffer(FILE *f, size_t size);

/**
 * qsort comparator for an array of strings: the longest first, then in
 * byte order, so that an alternation or a suffix list tries 社区 before 区.
 */
int strv_cmp_longest(const void *a, const void *b);

/** The content hash of @p len bytes, XXH3-128 as 32 hex digits, into @p hex. */
void hash_hex(const void *data, size_t len, char hex[33]);
/** hash_hex of the file at @p path, read a mebibyte at a time (a workbook
 * need not be held whole to be known). LS_ERR_IO when it cannot be read. */
ls_error hash_file_hex(const char *path, char hex[33]);

/** The value of @p c as a lowercase hex digit (as hash_hex and the state
 * write them), or -1 when it is not one. */
static inline int hex_digit(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/**
 * Length of the longest valid UTF-8 prefix of s[0..len). When it is
 * shorter than @p len, *bad is 1 for an invalid sequence and 0 for a
 * sequence cut off by the end.
 */
size_t utf8_check(const char *s, size_t len, size_t *bad);

/* The two below run for every character of every stage: inline. */

/** Number of bytes of the UTF-8 sequence starting with @p c (1 for invalid). */
static inline int utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/** Decode one UTF-8 code point at @p s (assumed valid); store its length. */
static inline uint32_t utf8_decode(const char *s, int *len)
{
    const unsigned char *u = (const unsigned char *)s;
    int n = utf8_len(u[0]);
    uint32_t cp;

    switch (n) {
    case 2: cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu); break;
    case 3: cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu); break;
    case 4:
        cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) |
             (u[3] & 0x3Fu);
        break;
    default: cp = u[0]; break;
    }
    if (len)
        *len = n;
    return cp;
}
/** Encode @p cp into @p out (room for 4 bytes); return the length. */
int utf8_encode(uint32_t cp, char *out);
/** Number of code points in s[0..len). */
size_t utf8_count(const char *s, size_t len);
/** Byte offset of the code point before position @p i (0 if none). */
size_t utf8_prev(const char *s, size_t i);

/**
 * A word list indexed by each word's first character, for asking which
 * words begin at a place of a text without trying every one: most
 * characters begin none, which one bit says.
 */
typedef struct {
    unsigned char bits[65536 / 8]; /**< BMP code points some word begins with */
    struct word_slot {
        uint32_t cp, at, n;        /**< idx[at .. at + n) begin with cp */
    } *slot;                       /**< open addressing, by code point */
    size_t mask;
    uint32_t *idx;                 /**< word numbers, by first character, each
                                        group in list order */
    size_t *len;                   /**< each word's length in bytes */
} word_index;

/** Index @p words[0..n) (which must outlive it); empty words are left out. */
void word_index_init(word_index *wi, char *const *words, size_t n);
/** Free what the index holds; accepts a zeroed one. */
void word_index_release(word_index *wi);
/** word_index_at() past its one-bit test; not for callers. */
const uint32_t *word_index_slot(const word_index *wi, uint32_t cp, size_t *n);

/**
 * The numbers of the words that begin with code point @p cp, in list
 * order; *@p n of them (0: none). Whether one is at hand is the caller's
 * memcmp. Inline, since it is asked at every character of every article
 * and most characters begin no word.
 */
static inline const uint32_t *word_index_at(const word_index *wi, uint32_t cp, size_t *n)
{
    *n = 0;
    if (cp < 65536 && !(wi->bits[cp >> 3] & (1u << (cp & 7))))
        return NULL;
    return word_index_slot(wi, cp, n);
}

/*
 * A pair filter: one bit per hashed pair of code points, answering "might
 * some key start (or end) with these two characters?" with no false "no".
 * The gazetteer scan and the phrase keys of the script converters use it.
 */
#define PAIR_FILTER_BITS 20                                 /* 1 Mbit */
#define PAIR_FILTER_BYTES ((size_t)1 << (PAIR_FILTER_BITS - 3)) /* 128 KiB */

static inline size_t pair_hash(uint32_t a, uint32_t b)
{
    return (size_t)(((uint64_t)a * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)b * 0xC2B2AE3D27D4EB4Full)) >>
           (64 - PAIR_FILTER_BITS);
}

/** Note the pair (a, b) in @p bits (PAIR_FILTER_BYTES of them). */
static inline void pair_set(uint8_t *bits, uint32_t a, uint32_t b)
{
    size_t h = pair_hash(a, b);
    bits[h >> 3] |= (uint8_t)(1u << (h & 7));
}

/** Might (a, b) have been noted in @p bits? */
static inline int pair_test(const uint8_t *bits, uint32_t a, uint32_t b)
{
    size_t h = pair_hash(a, b);
    return bits[h >> 3] & (1u << (h & 7));
}

/** Format a decimal without exponent or trailing zeros (27200, 63.296). */
void format_decimal(double v, char *out, size_t size);

#endif
