/* text.c - decode, normalise and segment one article. */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "tmpl.h"

/* A paragraph line longer than this, or one holding a comma, that does not
 * end a sentence is a paragraph broken by the page (often by a caption). */
#define HEADING_MAX_CHARS 40
#define CAPTION_MAX_CHARS 40
#define TITLE_MAX_CHARS 80
/* The headline and its dateline stand within the page's first lines. */
#define TITLE_SEARCH_LINES 12
/* Share of Han characters t2s must change before we call a text traditional. */
#define TRADITIONAL_MIN_SHARE 0.03
/* How much of an article decides its script: ~250 Han characters, of
 * which t2s changes about a quarter in traditional text and almost none
 * in simplified (OpenCC costs ~2000 instructions a byte). */
#define SCRIPT_PROBE_BYTES 768

enum rule_kind { R_PINYIN, R_END, R_META, R_CAPTION, R_CREDIT, R_SOURCE, R_REPORTER, R_DATE, R_GARBLED, R_MAX };
static const char *const rule_names[R_MAX] = {
    "pinyin", "end", "meta", "caption", "credit", "source", "reporter", "date", "garbled",
};
/* The kinds asked at the start of a line (match_at): each gets a twin
 * compiled anchored, because PCRE2_ANCHORED given at match time makes
 * PCRE2 leave the JIT for its interpreter. */
#define ANCHORED_KINDS (1u << R_END | 1u << R_META | 1u << R_CAPTION)

/* A photo credit is looked for in this many last characters of a line. */
#define CREDIT_TAIL_CHARS 32

/* What iconv made of one GB18030 character of one or two bytes: len 0,
 * not asked yet; GB_BAD, not a character. GB18030 keeps no state, so the
 * answer holds wherever the bytes stand. */
typedef struct {
    unsigned char len;
    char out[7];
} gb_char;

typedef struct {
    enum rule_kind kind;
    pcre2_code *re;
    pcre2_code *re_at; /* anchored, for ANCHORED_KINDS; else NULL */
} text_rule;

struct text_rules {
    text_rule *rules;
    size_t nrules;
    pcre2_code *any[R_MAX]; /* each kind's rules as one alternation, or NULL */
    pcre2_code *any_at[R_MAX]; /* the same, anchored, for ANCHORED_KINDS */
    /* the phrase keys of t2s and s2t, for their memos; NULL: whole texts */
    cv_phrases *t2s_phrases, *s2t_phrases;
    struct {
        cv_conv *cv; /* t2s, opened on first need */
        int failed;
    } *t2s;
    /* s2t only tells which script a text is in, and only for texts t2s
     * changes noticeably: opened on first need (its dictionaries take as
     * long to load as the whole gazetteer). */
    struct {
        cv_conv *cv;
        int failed;
    } *s2t;
    pcre2_match_data *md;
    /* UTF-8 -> GB2312, to pass over OpenCC for plainly simplified text,
     * and what it said of each Han character (0 not asked, 1 in, 2 not) */
    struct {
        iconv_t cd;
        int opened;
        unsigned char *known; /* by code point - HAN_FIRST */
        gb_char *chars;       /* decoding GB18030, by gb_slot() */
    } *gb;
    const text_rules *parent; /* a fork shares the parent's patterns */
};

void text_rules_free(text_rules *r)
{
    if (!r)
        return;
    if (!r->parent) {
        for (size_t i = 0; i < r->nrules; i++) {
            pcre2_code_free(r->rules[i].re);
            pcre2_code_free(r->rules[i].re_at);
        }
        free(r->rules);
        for (int k = 0; k < R_MAX; k++) {
            pcre2_code_free(r->any[k]);
            pcre2_code_free(r->any_at[k]);
        }
    }
    if (r->t2s)
        cv_free(r->t2s->cv);
    free(r->t2s);
    if (r->s2t)
        cv_free(r->s2t->cv);
    free(r->s2t);
    if (!r->parent) { /* after the converters that use them */
        cv_phrases_free(r->t2s_phrases);
        cv_phrases_free(r->s2t_phrases);
    }
    pcre2_match_data_free(r->md);
    if (r->gb && r->gb->opened && r->gb->cd != (iconv_t)-1)
        iconv_close(r->gb->cd);
    if (r->gb) {
        free(r->gb->known);
        free(r->gb->chars);
    }
    free(r->gb);
    free(r);
}

text_rules *text_rules_fork(const text_rules *r)
{
    text_rules *f = xmalloc(sizeof(*f));
    *f = *r;
    f->parent = r;
    f->md = pcre2_match_data_create(10, NULL);
    f->t2s = xcalloc(1, sizeof(*f->t2s));
    f->s2t = xcalloc(1, sizeof(*f->s2t));
    f->gb = xcalloc(1, sizeof(*f->gb));
    if (!f->md)
        die("out of memory");
    return f;
}

ls_error text_rules_load(text_rules **out, const char *tdir)
{
    text_rules *r = xcalloc(1, sizeof(*r));
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "text.tsv", 2);

    if (err)
        goto fail;
    r->rules = xcalloc(tf.nrows, sizeof(*r->rules));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        int k;
        for (k = 0; k < R_MAX; k++)
            if (!strcmp(row->field[0], rule_names[k]))
                break;
        if (k == R_MAX) {
            err = tmpl_error(&tf, row, "unknown rule kind '%s'", row->field[0]);
            goto fail;
        }
        r->rules[r->nrules].kind = (enum rule_kind)k;
        r->rules[r->nrules].re = tmpl_regex(&tf, row, NULL, row->field[1], 0);
        if (r->rules[r->nrules].re && (ANCHORED_KINDS & (1u << k)))
            r->rules[r->nrules].re_at =
                tmpl_regex(&tf, row, NULL, row->field[1], PCRE2_ANCHORED);
        if (!r->rules[r->nrules].re ||
            (!r->rules[r->nrules].re_at && (ANCHORED_KINDS & (1u << k)))) {
            err = LS_ERR_REGEX;
            goto fail;
        }
        r->nrules++;
    }
    /* each line asks whether some rule of a kind matches it */
    for (int k = 0; k < R_MAX; k++) {
        const char **src = xcalloc(r->nrules + 1, sizeof(*src));
        pcre2_code **re = xcalloc(r->nrules + 1, sizeof(*re));
        pcre2_code **re_at = xcalloc(r->nrules + 1, sizeof(*re_at));
        size_t n = 0;
        for (size_t i = 0; i < r->nrules; i++)
            if (r->rules[i].kind == (enum rule_kind)k) {
                src[n] = tf.rows[i].field[1];
                re_at[n] = r->rules[i].re_at;
                re[n++] = r->rules[i].re;
            }
        r->any[k] = rx_any_of(src, re, n, 0);
        if (ANCHORED_KINDS & (1u << k))
            r->any_at[k] = rx_any_of(src, re_at, n, PCRE2_ANCHORED);
        free(src);
        free(re);
        free(re_at);
    }
    err = cv_phrases_load(&r->t2s_phrases, tdir, "t2s-phrases.tsv", OPENCC_DATADIR);
    if (!err)
        err = cv_phrases_load(&r->s2t_phrases, tdir, "s2t-phrases.tsv", OPENCC_DATADIR);
    if (err)
        goto fail;
    r->md = pcre2_match_data_create(10, NULL);
    r->t2s = xcalloc(1, sizeof(*r->t2s));
    r->s2t = xcalloc(1, sizeof(*r->s2t));
    r->gb = xcalloc(1, sizeof(*r->gb));
    tmpl_release(&tf);
    *out = r;
    return LS_OK;
fail:
    tmpl_release(&tf);
    text_rules_free(r);
    *out = NULL;
    return err;
}

void text_release(text_doc *doc)
{
    if (!doc)
        return;
    free(doc->raw);
    free(doc->raw_off);
    free(doc->s);
    free(doc->src);
    free(doc->lines);
    free(doc->title);
    free(doc->source);
    free(doc->reporter);
    free(doc->date);
    free(doc->warnings);
    free(doc->garbled_sample);
    memset(doc, 0, sizeof(*doc));
}

/* ---- building text with a source map ---- */

typedef struct {
    strbuf sb;
    uint32_t *map;
    size_t alloc;
} mapped;

/* Room for @p n bytes at once: a pass's output is about as long as its
 * input, and growing to it by doubling took a tenth of reading an article. */
static void m_reserve(mapped *m, size_t n)
{
    sb_grow(&m->sb, n);
    ALLOC_GROW(m->map, n + 1, m->alloc);
}

static void m_add(mapped *m, const char *p, size_t n, uint32_t src)
{
    ALLOC_GROW(m->map, m->sb.len + n + 1, m->alloc);
    for (size_t i = 0; i < n; i++)
        m->map[m->sb.len + i] = src;
    sb_add(&m->sb, p, n);
}

/* Copy s[from..to) keeping each byte's own source. */
static void m_copy(mapped *m, const char *s, const uint32_t *map, size_t from, size_t to)
{
    ALLOC_GROW(m->map, m->sb.len + (to - from) + 1, m->alloc);
    memcpy(m->map + m->sb.len, map + from, (to - from) * sizeof(*map));
    sb_add(&m->sb, s + from, to - from);
}

static char *m_finish(mapped *m, uint32_t end_src, uint32_t **map, size_t *len)
{
    ALLOC_GROW(m->map, m->sb.len + 1, m->alloc);
    m->map[m->sb.len] = end_src;
    *map = m->map;
    m->map = NULL;
    return sb_detach(&m->sb, len);
}

/* ---- decoding ---- */

#define GB_BAD 0xFF
#define GB_CHARS (128 + 126 * 256) /* ASCII, then lead 0x81-0xFE by trail byte */

static size_t gb_slot(const unsigned char *p, size_t n)
{
    return n == 1 ? p[0] : 128 + (size_t)(p[0] - 0x81) * 256 + p[1];
}

/* Decode with iconv one source character at a time so that every output
 * byte knows its file offset. charlen() gives the length of the source
 * character at p (0 when it cannot tell). With @p memo (GB18030 only),
 * characters of one or two bytes are asked of iconv once per thread:
 * articles in GB18030 were a tenth of the bench corpus and a third of the
 * cost of reading it. */
static ls_error decode_iconv(text_doc *doc, const char *code, const unsigned char *p, size_t len,
                             size_t base, size_t (*charlen)(const unsigned char *, size_t),
                             gb_char **memo, strbuf *why)
{
    iconv_t cd = iconv_open("UTF-8", code);
    mapped m = { STRBUF_INIT, NULL, 0 };
    size_t i = 0;

    if (cd == (iconv_t)-1) {
        sb_addf(why, "iconv cannot convert from %s: %s", code, strerror(errno));
        return LS_ERR_ENCODING;
    }
    m_reserve(&m, len + len / 2); /* two bytes of a Han character become three */
    while (i < len) {
        size_t n = charlen(p + i, len - i);
        char out[16], *op = out;
        char *ip = (char *)(p + i);
        size_t il = n, ol = sizeof(out);
        gb_char *known = NULL;

        if (memo && n >= 1 && n <= 2 && i + n <= len) {
            if (!*memo)
                *memo = xcalloc(GB_CHARS, sizeof(**memo));
            known = &(*memo)[gb_slot(p + i, n)];
            if (known->len && known->len != GB_BAD) {
                m_add(&m, known->out, known->len, (uint32_t)(base + i));
                i += n;
                continue;
            }
        }
        if (n == 0 || i + n > len || (known && known->len == GB_BAD) ||
            iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0) {
            if (known)
                known->len = GB_BAD;
            if (i + (n ? n : 1) >= len && n > len - i) {
                sb_addf(why, "truncated %s character at offset %zu", code, base + i);
            } else {
                sb_addf(why, "invalid %s byte 0x%02X at offset %zu", code, p[i], base + i);
            }
            iconv_close(cd);
            sb_release(&m.sb);
            free(m.map);
            return LS_ERR_ENCODING;
        }
        if (known && op > out && (size_t)(op - out) <= sizeof(known->out)) {
            memcpy(known->out, out, (size_t)(op - out));
            known->len = (unsigned char)(op - out);
        }
        m_add(&m, out, (size_t)(op - out), (uint32_t)(base + i));
        i += n;
    }
    iconv_close(cd);
    doc->raw = m_finish(&m, (uint32_t)(base + len), &doc->raw_off, &doc->raw_len);
    return LS_OK;
}

static size_t gb18030_len(const unsigned char *p, size_t left)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] == 0x80 || p[0] == 0xFF || left < 2)
        return 0;
    if (p[1] >= 0x30 && p[1] <= 0x39)
        return 4;
    return 2;
}

static size_t utf16le_len(const unsigned char *p, size_t left)
{
    if (left < 2)
        return 0;
    return (p[1] >= 0xD8 && p[1] <= 0xDB) ? 4 : 2;
}

static size_t utf16be_len(const unsigned char *p, size_t left)
{
    if (left < 2)
        return 0;
    return (p[0] >= 0xD8 && p[0] <= 0xDB) ? 4 : 2;
}

static void raw_identity(text_doc *doc, const char *p, size_t len, size_t base)
{
    doc->raw = xstrndup(p, len);
    doc->raw_len = len;
    doc->raw_off = xmalloc((len + 1) * sizeof(uint32_t));
    for (size_t i = 0; i <= len; i++)
        doc->raw_off[i] = (uint32_t)(base + i);
}

/* Is decoded text mostly what Chinese articles are made of: ASCII, CJK
 * punctuation, Han characters and full-width forms? */
static int looks_like_text(const char *s, size_t len)
{
    size_t good = 0, all = 0;
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = utf8_decode(s + i, &n);
        all++;
        good += (cp >= 0x20 && cp < 0x7F) || cp == '\n' || cp == '\r' || cp == '\t' ||
                (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
                (cp >= 0xFF00 && cp <= 0xFFEF) || cp == 0x201C || cp == 0x201D;
        i += (size_t)n;
    }
    return all && good * 10 >= all * 8;
}

/* Does the text look like UTF-16 without a BOM (every other byte NUL)? */
static int utf16_guess(const unsigned char *p, size_t len)
{
    size_t even = 0, odd = 0, n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < n; i++)
        if (!p[i])
        {
            if (i & 1)
                odd++;
            else
                even++;
        }
    if (n < 4 || len % 2)
        return 0;
    /* Han text in UTF-16 has few NUL bytes (only its ASCII has them), but
     * they all fall on one side: odd offsets little-endian, even big. */
    if (odd > 0 && (even == 0 || (odd > n / 4 && even < n / 50)))
        return 'L';
    if (even > 0 && (odd == 0 || (even > n / 4 && odd < n / 50)))
        return 'B';
    return 0;
}

const char *text_encoding_known(const char *name)
{
    static const char *const known[] = { "UTF-8",   "UTF-8 (BOM)",       "UTF-16LE",
                                         "UTF-16BE", "UTF-16LE (no BOM)", "UTF-16BE (no BOM)",
                                         "GB18030" };
    for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
        if (!strcmp(known[i], name))
            return known[i];
    return NULL;
}

static ls_error decode(text_doc *doc, const char *data, size_t len, gb_char **memo, strbuf *why)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t bad, ok;

    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
        doc->encoding = "UTF-8 (BOM)";
        p += 3, data += 3, len -= 3;
        ok = utf8_check((const char *)p, len, &bad);
        if (ok < len) {
            if (bad)
                sb_addf(why, "invalid UTF-8 byte 0x%02X at offset %zu", p[ok], ok + 3);
            else
                sb_addf(why, "truncated UTF-8 character at offset %zu", ok + 3);
            doc->truncated = !bad;
            if (!bad) /* keep the whole characters: message, not failure */
                raw_identity(doc, data, ok, 3);
            return bad ? LS_ERR_ENCODING : LS_OK;
        }
        raw_identity(doc, data, len, 3);
        return LS_OK;
    }
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        doc->encoding = "UTF-16LE";
        return decode_iconv(doc, "UTF-16LE", p + 2, len - 2, 2, utf16le_len, NULL, why);
    }
    if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        doc->encoding = "UTF-16BE";
        return decode_iconv(doc, "UTF-16BE", p + 2, len - 2, 2, utf16be_len, NULL, why);
    }
    if (memchr(p, '\0', len)) {
        int g = utf16_guess(p, len);
        if (g) {
            strbuf note = STRBUF_INIT;
            ls_error e;
            doc->encoding = g == 'L' ? "UTF-16LE (no BOM)" : "UTF-16BE (no BOM)";
            e = decode_iconv(doc, g == 'L' ? "UTF-16LE" : "UTF-16BE", p, len, 0,
                             g == 'L' ? utf16le_len : utf16be_len, NULL, &note);
            /* a guess must read as Chinese text, not as noise */
            if (!e && looks_like_text(doc->raw, doc->raw_len)) {
                sb_addf(why, "UTF-16 without a byte order mark; read as %s-endian",
                        g == 'L' ? "little" : "big");
                sb_release(&note);
                return LS_OK;
            }
            sb_release(&note);
            free(doc->raw), doc->raw = NULL;
            free(doc->raw_off), doc->raw_off = NULL;
        }
        size_t at = (size_t)((const unsigned char *)memchr(p, '\0', len) - p);
        sb_addf(why, "binary data (NUL byte at offset %zu)", at);
        return LS_ERR_BINARY;
    }
    ok = utf8_check((const char *)p, len, &bad);
    if (ok == len) {
        doc->encoding = "UTF-8";
        raw_identity(doc, data, len, 0);
        return LS_OK;
    }
    if (!bad) {
        /* valid UTF-8 cut off in the middle of its last character */
        doc->encoding = "UTF-8";
        doc->truncated = 1;
        sb_addf(why, "truncated UTF-8 character at offset %zu", ok);
        raw_identity(doc, data, ok, 0);
        return LS_OK;
    }
    doc->encoding = "GB18030";
    {
        strbuf gbwhy = STRBUF_INIT;
        ls_error e = decode_iconv(doc, "GB18030", p, len, 0, gb18030_len, memo, &gbwhy);
        if (e) {
            sb_addf(why, "neither UTF-8 (invalid byte 0x%02X at offset %zu) nor GB18030 (%s)",
                    p[ok], ok, gbwhy.buf);
            sb_release(&gbwhy);
            return (p[ok] < 0x20 && p[ok] != '\t') ? LS_ERR_BINARY : LS_ERR_ENCODING;
        }
        sb_release(&gbwhy);
        return LS_OK;
    }
}

ls_error text_decode(const char *data, size_t len, char **out, size_t *out_len,
                     const char **encoding, strbuf *why)
{
    text_doc doc;
    strbuf note = STRBUF_INIT;
    ls_error err;

    memset(&doc, 0, sizeof(doc));
    err = decode(&doc, data, len, NULL, &note);
    /* a decoded text with a remark (a truncated last character) is read */
    if (err) {
        sb_add(why, note.buf, note.len);
        sb_release(&note);
        text_release(&doc);
        return err;
    }
    sb_release(&note);
    *encoding = doc.encoding;
    *out = doc.raw ? doc.raw : xstrdup("");
    *out_len = doc.raw ? doc.raw_len : 0;
    doc.raw = NULL;
    text_release(&doc);
    return LS_OK;
}

/* A text full of control characters is not an article. */
static int looks_binary(const char *s, size_t len)
{
    size_t ctl = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            ctl++;
    }
    return ctl > 8 && ctl * 20 > len;
}

/* ---- normalisation passes ---- */

/* Line ends, odd spaces, zero-width characters, full-width ASCII. */
static void pass_chars(const char *in, const uint32_t *map, size_t len, mapped *m, size_t *fffd)
{
    size_t run = 0; /* characters kept as they are are copied in runs */
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = utf8_decode(in + i, &n);
        char buf[4];
        if (cp == '\r') {
            m_copy(m, in, map, run, i);
            m_add(m, "\n", 1, map[i]);
            i += (i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
            run = i;
            continue;
        }
        if (cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0 ||
            (cp < 0x20 && cp != '\n' && cp != '\t')) {
            m_copy(m, in, map, run, i);
            i += (size_t)n;
            run = i;
            continue;
        }
        if (cp == 0xFFFD)
            (*fffd)++;
        if (cp == '\t' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) ||
            cp == 0x202F || cp == 0x205F) {
            m_copy(m, in, map, run, i);
            m_add(m, " ", 1, map[i]);
            run = i + (size_t)n;
        } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
            m_copy(m, in, map, run, i);
            buf[0] = (char)(cp - 0xFF01 + 0x21);
            m_add(m, buf, 1, map[i]);
            run = i + (size_t)n;
        }
        i += (size_t)n;
    }
    m_copy(m, in, map, run, len);
}

/* Delete every match of the pinyin rules (社區(qū) -> 社區). */
static void pass_delete(const text_rules *r, enum rule_kind kind, const char *in,
                        const uint32_t *map, size_t len, mapped *m)
{
    size_t pos = 0, copied = 0;
    for (size_t k = 0; k < r->nrules; k++) {
        if (r->rules[k].kind != kind)
            continue;
        while (pos < len && rx_match(r->rules[k].re, in, len, pos, 0, r->md) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
            if (ov[1] == ov[0]) {
                pos = ov[1] + 1;
                continue;
            }
            m_copy(m, in, map, copied, ov[0]);
            copied = pos = ov[1];
        }
        break; /* one pinyin rule; further rules would need another pass */
    }
    m_copy(m, in, map, copied, len);
}

#define HAN_FIRST 0x3400
#define HAN_LAST 0x9FFF

static int is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= HAN_LAST) || (cp >= HAN_FIRST && cp <= 0x4DBF);
}

static size_t count_han(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        int k;
        uint32_t cp = utf8_decode(s + i, &k);
        n += is_han(cp);
        i += (size_t)k;
    }
    return n;
}

/* Whether every Han character of s[0..len) is in GB2312, the simplified
 * national set: such text is simplified, and iconv says so for a fraction
 * of what asking OpenCC costs. Other characters (symbols, emoji) do not
 * count. Returns 0 when it cannot tell. GB2312 takes each character on
 * its own (EUC-CN keeps no state), so each is asked of iconv once per
 * thread, and the answer kept. */
static int all_gb2312(const text_rules *r, const char *s, size_t len)
{
    if (!r->gb->opened) {
        r->gb->cd = iconv_open("GB2312", "UTF-8");
        r->gb->opened = 1;
        if (r->gb->cd != (iconv_t)-1)
            r->gb->known = xcalloc(HAN_LAST - HAN_FIRST + 1, 1);
    }
    if (r->gb->cd == (iconv_t)-1)
        return 0;
    for (size_t i = 0; i < len;) {
        int k;
        uint32_t cp = utf8_decode(s + i, &k);
        unsigned char *known;
        if (k <= 0)
            k = 1;
        if (!is_han(cp)) {
            i += (size_t)k;
            continue;
        }
        known = &r->gb->known[cp - HAN_FIRST];
        if (!*known) {
            char buf[8], *in = (char *)s + i, *out = buf;
            size_t left = (size_t)k, room = sizeof(buf);
            iconv(r->gb->cd, NULL, NULL, NULL, NULL);
            *known = iconv(r->gb->cd, &in, &left, &out, &room) != (size_t)-1 ? 1 : 2;
        }
        if (*known == 2)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/* Map converted text onto its source code point by code point when t2s kept
 * the count (it almost always does); otherwise convert piecewise. */
static void t2s_piece(cv_conv *cc, const char *in, const uint32_t *map, size_t from, size_t to,
                      mapped *m, size_t *changed, int per_char)
{
    char *out;
    size_t olen, ic, oc;

    if (from == to)
        return;
    out = cv_convert(cc, in + from, to - from, &olen);
    if (!out) {
        m_copy(m, in, map, from, to);
        return;
    }
    ic = utf8_count(in + from, to - from);
    oc = utf8_count(out, olen);
    if (ic == oc) {
        size_t i = from, o = 0;
        while (i < to) {
            int a = utf8_len((unsigned char)in[i]);
            int b = utf8_len((unsigned char)out[o]);
            if (a != b || memcmp(in + i, out + o, (size_t)a))
                (*changed)++;
            /* the converted character comes from the whole source character */
            m_add(m, out + o, (size_t)b, map[i]);
            i += (size_t)a;
            o += (size_t)b;
        }
    } else if (!per_char) {
        for (size_t i = from; i < to;) {
            size_t n = (size_t)utf8_len((unsigned char)in[i]);
            t2s_piece(cc, in, map, i, i + n, m, changed, 1);
            i += n;
        }
    } else {
        m_add(m, out, olen, map[from]);
        (*changed)++;
    }
    free(out);
}

/* How many code points @p cc changes in s[0..len), line by line. */
static size_t count_changes(cv_conv *cc, const char *s, size_t len)
{
    size_t changed = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        char *out;
        size_t olen = 0;
        if (i < len && s[i] != '\n')
            continue;
        out = i > start ? cv_convert(cc, s + start, i - start, &olen) : NULL;
        if (out) {
            size_t a = start, o = 0;
            while (a < i && o < olen) {
                int x = utf8_len((unsigned char)s[a]), y = utf8_len((unsigned char)out[o]);
                if (x != y || memcmp(s + a, out + o, (size_t)x))
                    changed++;
                a += (size_t)x;
                o += (size_t)y;
            }
            free(out);
        }
        start = i + 1;
    }
    return changed;
}

/* Open t2s on first need. Without it no text can be converted: say so
 * once and read every article as it is. */
static cv_conv *t2s_open(const text_rules *r)
{
    if (!r->t2s->cv && !r->t2s->failed) {
        r->t2s->cv = cv_open("t2s.json", r->t2s_phrases);
        if (!r->t2s->cv) {
            static atomic_flag said = ATOMIC_FLAG_INIT; /* once, not per thread */
            r->t2s->failed = 1;
            if (!atomic_flag_test_and_set(&said))
                error("cannot open OpenCC configuration 't2s.json': %s; traditional "
                      "articles will not be converted",
                      cv_error());
        }
    }
    return r->t2s->cv;
}

/* Open s2t on first need; without it, the share alone decides. */
static int s2t_open(const text_rules *r)
{
    if (!r->s2t->cv && !r->s2t->failed) {
        r->s2t->cv = cv_open("s2t.json", r->s2t_phrases);
        if (!r->s2t->cv) {
            static atomic_flag said = ATOMIC_FLAG_INIT;
            r->s2t->failed = 1;
            if (!atomic_flag_test_and_set(&said))
                warning("cannot open OpenCC configuration 's2t.json': %s", cv_error());
        }
    }
    return r->s2t->cv != NULL;
}

static void pass_t2s(cv_conv *cc, const char *in, const uint32_t *map, size_t len, mapped *m,
                     size_t *changed)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || in[i] == '\n') {
            t2s_piece(cc, in, map, start, i, m, changed, 0);
            if (i < len)
                m_copy(m, in, map, i, i + 1);
            start = i + 1;
        }
    }
}

/* ---- lines ---- */

typedef struct {
    size_t start, end;
    text_line_kind kind;
    int unfinished;
    int done; /* emitted already, as a continuation or a held caption */
    size_t chars;
} pline;

/* Does a rule of @p kind, one of ANCHORED_KINDS, match at the start of s? */
static int match_at(const text_rules *r, enum rule_kind kind, const char *s, size_t len)
{
    if (r->any_at[kind])
        return rx_match(r->any_at[kind], s, len, 0, 0, r->md) > 0;
    for (size_t k = 0; k < r->nrules; k++)
        if (r->rules[k].kind == kind && rx_match(r->rules[k].re_at, s, len, 0, 0, r->md) > 0)
            return 1;
    return 0;
}

/* Does a rule of @p kind match anywhere in s[0..len)? */
static int match_in(const text_rules *r, enum rule_kind kind, const char *s, size_t len)
{
    if (r->any[kind])
        return rx_match(r->any[kind], s, len, 0, 0, r->md) > 0;
    for (size_t k = 0; k < r->nrules; k++)
        if (r->rules[k].kind == kind && rx_match(r->rules[k].re, s, len, 0, 0, r->md) > 0)
            return 1;
    return 0;
}

/* Does a rule of @p kind match in the last CREDIT_TAIL_CHARS characters of
 * s[0..len)? A credit ends its line; asking the whole line costs a scan
 * of every line. */
static int match_tail(const text_rules *r, enum rule_kind kind, const char *s, size_t len)
{
    size_t from = len;
    for (int n = 0; n < CREDIT_TAIL_CHARS && from > 0; n++)
        from = utf8_prev(s, from);
    return match_in(r, kind, s + from, len - from);
}

static int ends_sentence(const char *s, size_t start, size_t end)
{
    static const char *const enders[] = { "。", "!", "?", ";", "…", "”", "」", "』", ")", "】",
                                          "’", "\"", ".", "——" };
    for (size_t k = 0; k < sizeof(enders) / sizeof(*enders); k++) {
        size_t n = strlen(enders[k]);
        if (end - start >= n && !memcmp(s + end - n, enders[k], n))
            return 1;
    }
    return 0;
}

static int has_comma(const char *s, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++)
        if (s[i] == ',' || s[i] == ';' || !strncmp(s + i, "、", 3))
            return 1;
    return 0;
}

/* Is line b nothing but the title a, once or several times? */
static int repeats_title(const char *s, const pline *a, const pline *b)
{
    size_t tl = a->end - a->start, i = b->start;
    if (tl == 0)
        return 0;
    while (i < b->end) {
        while (i < b->end && s[i] == ' ')
            i++;
        if (i == b->end)
            break;
        if (b->end - i < tl || memcmp(s + i, s + a->start, tl))
            return 0;
        i += tl;
    }
    return 1;
}

static void add_line(text_doc *doc, size_t *alloc, size_t start, size_t end, text_line_kind kind)
{
    ALLOC_GROW(doc->lines, doc->nlines + 1, *alloc);
    doc->lines[doc->nlines].start = start;
    doc->lines[doc->nlines].end = end;
    doc->lines[doc->nlines].kind = kind;
    doc->lines[doc->nlines].heading = -1;
    doc->nlines++;
}

/* An article without a title line is named by its first sentence,
 * shortened to TITLE_FALLBACK_CHARS with an ellipsis. */
#define TITLE_FALLBACK_CHARS 30
static char *first_sentence(const text_doc *doc)
{
    for (size_t k = 0; k < doc->nlines; k++) {
        const text_line *l = &doc->lines[k];
        size_t i = l->start, n = 0;
        if (l->kind != LINE_BODY)
            continue;
        while (i < l->end && n < TITLE_FALLBACK_CHARS && strncmp(doc->s + i, "。", 3) &&
               doc->s[i] != '!' && doc->s[i] != '?') {
            i += (size_t)utf8_len((unsigned char)doc->s[i]);
            n++;
        }
        return xstrfmt("%.*s%s", (int)(i - l->start), doc->s + l->start,
                       i < l->end && n == TITLE_FALLBACK_CHARS ? "…" : "");
    }
    return NULL;
}

/* Could line @p p be a headline: short, not a sentence, no list of
 * clauses (a subtitle: 全市建成食堂430家,提供餐位1.8万个)? A headline in
 * 【】 ends with its bracket. */
static int headline_like(const char *in, const pline *p)
{
    size_t n = p->end - p->start;
    if (p->kind != LINE_BODY || p->chars > TITLE_MAX_CHARS || p->chars < 4)
        return 0;
    if (n >= 6 && !memcmp(in + p->start, "【", 3) && !memcmp(in + p->end - 3, "】", 3))
        return 1;
    return !ends_sentence(in, p->start, p->end) && !has_comma(in, p->start, p->end);
}

/*
 * The headline, decided from the top of the page: where a dateline (a
 * line with the publication date or the source) stands above the story,
 * the headline is the headline-like line nearest above it, and what is
 * above that is the site's furniture (深圳热线, 新平县). Without one, it is
 * the first line under nothing but furniture and captions. -1: none.
 */
static int find_title(const text_rules *r, const char *in, const pline *pl, size_t npl)
{
    size_t top = npl < TITLE_SEARCH_LINES ? npl : TITLE_SEARCH_LINES;
    for (size_t k = 0; k < top; k++) {
        const char *ls = in + pl[k].start;
        size_t ll = pl[k].end - pl[k].start;
        if (pl[k].kind == LINE_BODY && (pl[k].chars > TITLE_MAX_CHARS || ends_sentence(in, pl[k].start, pl[k].end)))
            break; /* the story has begun */
        if (match_in(r, R_DATE, ls, ll) || match_in(r, R_SOURCE, ls, ll)) {
            for (size_t j = k; j-- > 0;)
                if (headline_like(in, &pl[j]))
                    return (int)j;
            /* a dateline at the very top: the headline follows it */
            for (size_t j = k + 1; j < top && headline_like(in, &pl[j]); j++)
                if (!match_in(r, R_DATE, in + pl[j].start, pl[j].end - pl[j].start))
                    return (int)j;
            break;
        }
    }
    for (size_t k = 0; k < npl; k++) {
        if (pl[k].kind == LINE_META || pl[k].kind == LINE_CAPTION ||
            (k < top && match_in(r, R_DATE, in + pl[k].start, pl[k].end - pl[k].start)))
            continue;
        return pl[k].chars <= TITLE_MAX_CHARS && !ends_sentence(in, pl[k].start, pl[k].end) ? (int)k
                                                                                       : -1;
    }
    return -1;
}

/* Split into lines, find title, body end, captions and headings, and emit
 * the final text with broken paragraphs joined. */
static void pass_lines(text_doc *doc, const text_rules *r, const char *in, const uint32_t *map,
                       size_t len, uint32_t end_src)
{
    pline *pl = NULL;
    size_t npl = 0, alloc = 0, lalloc = 0;
    mapped m = { STRBUF_INIT, NULL, 0 };
    int title = -1, heading = -1;
    char *emitted;

    m_reserve(&m, len);
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i < len && in[i] != '\n')
            continue;
        size_t a = start, b = i;
        start = i + 1;
        while (a < b && in[a] == ' ')
            a++;
        while (b > a && in[b - 1] == ' ')
            b--;
        if (a == b)
            continue;
        ALLOC_GROW(pl, npl + 1, alloc);
        pl[npl] = (pline){ a, b, LINE_BODY, 0, 0, utf8_count(in + a, b - a) };
        npl++;
    }

    /* The page's furniture, captions and the end of the story. An end
     * marker (责任编辑:) above the story's first sentence is furniture at
     * the top of the page, not the end of the story. */
    for (size_t k = 0, story = 0; k < npl; k++) {
        pline *p = &pl[k];
        const char *ls = in + p->start;
        size_t ll = p->end - p->start;
        if (match_at(r, R_END, ls, ll)) {
            if (story) {
                npl = k; /* the body ends here: page furniture follows */
                break;
            }
            p->kind = LINE_META;
        } else if (match_at(r, R_CAPTION, ls, ll) || match_tail(r, R_CREDIT, ls, ll)) {
            p->kind = LINE_CAPTION;
        } else if (match_at(r, R_META, ls, ll)) {
            p->kind = LINE_META;
        } else if (p->chars > TITLE_MAX_CHARS || ends_sentence(in, p->start, p->end)) {
            story = 1;
        }
    }
    title = find_title(r, in, pl, npl);
    for (size_t k = 0; k < npl; k++) {
        pline *p = &pl[k];
        const char *ls = in + p->start;
        if ((int)k == title) {
            p->kind = LINE_TITLE;
        } else if (title >= 0 && (int)k < title && p->kind == LINE_BODY) {
            p->kind = LINE_META; /* a site's name or a place above the headline */
        } else if (title >= 0 && (size_t)title + 1 == k && repeats_title(in, &pl[title], p)) {
            p->kind = LINE_META;
            p->done = 1; /* a title repeated at the top counts once: drop it */
        }
        if (p->kind == LINE_BODY && !ends_sentence(in, p->start, p->end)) {
            if (p->chars > HEADING_MAX_CHARS || has_comma(in, p->start, p->end))
                p->unfinished = 1;
            else if (strncmp(ls, "“", 3) && ls[0] != '"')
                p->kind = LINE_HEADING;
        }
    }

    /* Emit: join each unfinished paragraph with its continuation; captions
     * that interrupted it follow the joined paragraph. */
    for (size_t k = 0; k < npl; k++) {
        pline *p = &pl[k];
        size_t lstart = m.sb.len, last = k;
        size_t held[16], nheld = 0;

        if (p->done)
            continue;
        m_copy(&m, in, map, p->start, p->end);
        while (pl[last].kind == LINE_BODY && pl[last].unfinished) {
            size_t j = last + 1;
            while (j < npl && nheld < 16 && !pl[j].done &&
                   (pl[j].kind == LINE_CAPTION ||
                    (pl[j].kind == LINE_BODY && pl[j].chars <= CAPTION_MAX_CHARS &&
                     ends_sentence(in, pl[j].start, pl[j].end) &&
                     !has_comma(in, pl[j].start, pl[j].end) && j + 1 < npl &&
                     pl[j + 1].kind == LINE_BODY))) {
                pl[j].kind = LINE_CAPTION;
                held[nheld++] = j++;
            }
            if (j >= npl || pl[j].kind != LINE_BODY) {
                nheld = 0; /* nothing to join: leave the lines where they are */
                break;
            }
            m_copy(&m, in, map, pl[j].start, pl[j].end);
            pl[j].done = 1;
            last = j;
        }
        add_line(doc, &lalloc, lstart, m.sb.len, p->kind);
        m_add(&m, "\n", 1, map[pl[last].end]);
        for (size_t h = 0; h < nheld; h++) {
            size_t hs = m.sb.len;
            pl[held[h]].done = 1;
            m_copy(&m, in, map, pl[held[h]].start, pl[held[h]].end);
            add_line(doc, &lalloc, hs, m.sb.len, LINE_CAPTION);
            m_add(&m, "\n", 1, map[pl[held[h]].end]);
        }
    }
    emitted = m_finish(&m, end_src, &doc->src, &doc->len);
    doc->s = emitted;
    for (size_t k = 0; k < doc->nlines; k++) {
        text_line *l = &doc->lines[k];
        if (l->kind == LINE_HEADING)
            heading = (int)k;
        l->heading = heading;
        if (l->kind == LINE_TITLE && !doc->title)
            doc->title = xstrndup(doc->s + l->start, l->end - l->start);
        if (l->kind != LINE_META)
            doc->chars += utf8_count(doc->s + l->start, l->end - l->start);
    }
    free(pl);
    if (!doc->title)
        doc->title = first_sentence(doc);
}

static char *capture(const text_rules *r, enum rule_kind kind, const char *s, size_t len)
{
    for (size_t k = 0; k < r->nrules; k++) {
        if (r->rules[k].kind != kind)
            continue;
        if (rx_match(r->rules[k].re, s, len, 0, 0, r->md) > 1) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
            if (ov[2] != PCRE2_UNSET && ov[3] > ov[2]) {
                size_t a = ov[2], b = ov[3];
                while (b > a && s[b - 1] == ' ')
                    b--;
                return xstrndup(s + a, b - a);
            }
        }
    }
    return NULL;
}

/* A printed date (2016年08月30日, 2019-11-14, 2022/1/5) as YYYY-MM-DD, or
 * NULL when it is not one; frees @p d. The comparison's "latest article"
 * compares these as strings. */
static char *iso_date(char *d)
{
    int y = 0, m = 0, day = 0, n = 0;
    char *out = NULL;
    if (d) {
        const char *p = d;
        for (; *p >= '0' && *p <= '9'; p++)
            y = y * 10 + (*p - '0'), n++;
        if (n == 4 && *p) {
            p += (unsigned char)*p < 0x80 ? 1 : (size_t)utf8_len((unsigned char)*p);
            for (n = 0; *p >= '0' && *p <= '9' && n < 3; p++, n++)
                m = m * 10 + (*p - '0');
            if (n && *p) {
                p += (unsigned char)*p < 0x80 ? 1 : (size_t)utf8_len((unsigned char)*p);
                for (n = 0; *p >= '0' && *p <= '9' && n < 3; p++, n++)
                    day = day * 10 + (*p - '0');
            }
        }
        if (y >= 1980 && y <= 2100 && m >= 1 && m <= 12 && day >= 1 && day <= 31)
            out = xstrfmt("%04d-%02d-%02d", y, m, day);
    }
    free(d);
    return out;
}

/* Count matches of @p kind; *first gets the earliest match's start. */
static size_t count_matches(const text_rules *r, enum rule_kind kind, const char *s, size_t len,
                            size_t *first)
{
    size_t n = 0;
    *first = len;
    for (size_t k = 0; k < r->nrules; k++) {
        size_t pos = 0;
        if (r->rules[k].kind != kind)
            continue;
        while (pos < len && rx_match(r->rules[k].re, s, len, pos, 0, r->md) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
            n++;
            if (ov[0] < *first)
                *first = ov[0];
            pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        }
    }
    return n;
}

ls_error text_read(text_doc *doc, const text_rules *r, const char *data, size_t len, strbuf *why)
{
    mapped m1 = { STRBUF_INIT, NULL, 0 }, m2 = { STRBUF_INIT, NULL, 0 },
           m3 = { STRBUF_INIT, NULL, 0 };
    char *s1 = NULL, *s2 = NULL, *s3 = NULL;
    uint32_t *map1 = NULL, *map2 = NULL, *map3 = NULL, *ident = NULL;
    size_t l1, l2, l3, fffd = 0, changed = 0, han;
    strbuf warn = STRBUF_INIT;
    ls_error err;

    memset(doc, 0, sizeof(*doc));
    if (len == 0) {
        sb_addstr(why, "empty file");
        return LS_ERR_EMPTY;
    }
    err = decode(doc, data, len, &r->gb->chars, why);
    if (err)
        return err;
    if (why->len) { /* decoded, with a note (truncated, guessed) */
        sb_addf(&warn, "%s", why->buf);
        why->len = 0;
        why->buf[0] = '\0';
    }
    if (looks_binary(doc->raw, doc->raw_len)) {
        sb_addstr(why, "binary data (control characters), not an article");
        sb_release(&warn);
        return LS_ERR_BINARY;
    }

    ident = xmalloc((doc->raw_len + 1) * sizeof(*ident));
    for (size_t i = 0; i <= doc->raw_len; i++)
        ident[i] = (uint32_t)i;
    m_reserve(&m1, doc->raw_len);
    pass_chars(doc->raw, ident, doc->raw_len, &m1, &fffd);
    s1 = m_finish(&m1, (uint32_t)doc->raw_len, &map1, &l1);
    m_reserve(&m2, l1);
    pass_delete(r, R_PINYIN, s1, map1, l1, &m2);
    s2 = m_finish(&m2, (uint32_t)doc->raw_len, &map2, &l2);

    /* Which script: decided on a probe of the first lines (an article is
     * in one script), converted in full only when traditional.
     * Traditional text changes much under t2s and little under s2t;
     * simplified text the other way round. A share alone would call a
     * short simplified article about 乾安县 traditional (乾 -> 干). */
    {
        size_t probe = l2;
        if (probe > SCRIPT_PROBE_BYTES) { /* cut at a character boundary */
            probe = SCRIPT_PROBE_BYTES;
            while (probe > 0 && ((unsigned char)s2[probe] & 0xC0) == 0x80)
                probe--;
        }
        han = count_han(s2, probe);
        changed = han && !all_gb2312(r, s2, probe) && t2s_open(r)
                      ? count_changes(r->t2s->cv, s2, probe)
                      : 0;
        if (han && (double)changed / (double)han >= TRADITIONAL_MIN_SHARE &&
            (!s2t_open(r) || changed > count_changes(r->s2t->cv, s2, probe)))
            doc->traditional = 1;
    }
    if (doc->traditional) {
        m_reserve(&m3, l2);
        pass_t2s(r->t2s->cv, s2, map2, l2, &m3, &changed);
        s3 = m_finish(&m3, (uint32_t)doc->raw_len, &map3, &l3);
        pass_lines(doc, r, s3, map3, l3, (uint32_t)doc->raw_len);
    } else {
        pass_lines(doc, r, s2, map2, l2, (uint32_t)doc->raw_len);
    }

    {
        const char *full = doc->traditional ? s3 : s2;
        size_t flen = doc->traditional ? l3 : l2;
        size_t first;
        doc->source = capture(r, R_SOURCE, full, flen);
        doc->reporter = capture(r, R_REPORTER, full, flen);
        doc->date = iso_date(capture(r, R_DATE, full, flen));
        doc->n_fffd = fffd;
        doc->n_garbled = count_matches(r, R_GARBLED, doc->s, doc->len, &first);
        if (doc->n_garbled) {
            /* what a person needs to find it: a few characters either side */
            size_t a = first, b = first;
            for (int k = 0; k < 8 && a > 0; k++)
                a = utf8_prev(doc->s, a);
            for (int k = 0; k < 12 && b < doc->len && doc->s[b] != '\n'; k++)
                b += (size_t)utf8_len((unsigned char)doc->s[b]);
            doc->garbled_sample = xstrfmt("…%.*s…", (int)(b - a), doc->s + a);
        }
        if (fffd)
            sb_addf(&warn, "%s%zu replacement character(s) U+FFFD", warn.len ? "; " : "", fffd);
        if (doc->n_garbled)
            sb_addf(&warn, "%s%zu garbled run(s), first at %s", warn.len ? "; " : "",
                    doc->n_garbled, doc->garbled_sample);
    }
    if (warn.len)
        doc->warnings = sb_detach(&warn, NULL);
    sb_release(&warn);
    free(ident);
    free(s1), free(map1), free(s2), free(map2), free(s3), free(map3);
    if (doc->chars == 0) {
        sb_addstr(why, "no text after normalisation");
        return LS_ERR_EMPTY;
    }
    return LS_OK;
}

size_t text_file_offset(const text_doc *doc, size_t pos)
{
    return doc->raw_off[doc->src[pos]];
}

char *text_surface(const text_doc *doc, size_t start, size_t end)
{
    size_t a = doc->src[start];
    size_t last = utf8_prev(doc->s, end);
    size_t b = doc->src[last] + (size_t)utf8_len((unsigned char)doc->raw[doc->src[last]]);
    /* A deleted annotation right after the figure (個(gè)) belongs to it. */
    if (end < doc->len && doc->src[end] > b && doc->src[end] - b < 16 &&
        (doc->raw[b] == '(' || !strncmp(doc->raw + b, "（", 3)) &&
        !memchr(doc->raw + b, '\n', doc->src[end] - b))
        b = doc->src[end];
    return xstrndup(doc->raw + a, b > a ? b - a : 0);
}

size_t text_line_at(const text_doc *doc, size_t pos)
{
    size_t lo = 0, hi = doc->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (doc->lines[mid].start <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int is_stop(const char *s, size_t i, int clause)
{
    if (s[i] == '!' || s[i] == '?' || s[i] == ';' || !strncmp(s + i, "。", 3))
        return 3;
    if (clause && (s[i] == ',' || s[i] == ':'))
        return 2;
    return 0;
}

/* The bytes a stop can begin with: ASCII ones, and 。's lead byte. Both
 * only ever begin a character, so spans can be cut byte by byte. */
static int may_stop(unsigned char c, int clause)
{
    return c == 0xE3 || c == '!' || c == '?' || c == ';' || (clause && (c == ',' || c == ':'));
}

void text_span(const text_doc *doc, size_t pos, int clause, size_t *start, size_t *end)
{
    const text_line *l = &doc->lines[text_line_at(doc, pos)];
    size_t a = pos, b = pos;
    /* A "sentence" without stops can be megabytes long; evidence and
     * context are at most SPAN_MAX bytes either side of the figure. */
    size_t lo = pos - l->start > TEXT_SPAN_MAX ? pos - TEXT_SPAN_MAX : l->start;
    size_t hi = l->end - pos > TEXT_SPAN_MAX ? pos + TEXT_SPAN_MAX : l->end;
    while (lo > l->start && ((unsigned char)doc->s[lo] & 0xC0) == 0x80)
        lo++;
    while (hi < l->end && ((unsigned char)doc->s[hi] & 0xC0) == 0x80)
        hi++;
    /* back to just after the stop before pos, or to lo */
    {
        size_t i = a;
        while (i > lo && !(may_stop((unsigned char)doc->s[i - 1], clause) &&
                           is_stop(doc->s, i - 1, clause)))
            i--;
        a = i > lo ? i - 1 + (size_t)utf8_len((unsigned char)doc->s[i - 1]) : lo;
    }
    while (b < hi) {
        int k;
        while (b < hi && !may_stop((unsigned char)doc->s[b], clause))
            b++;
        if (b >= hi)
            break;
        k = is_stop(doc->s, b, clause);
        b += (size_t)utf8_len((unsigned char)doc->s[b]);
        if (k) {
            /* a closing quote after the full stop belongs to the sentence */
            while (b < l->end && (!strncmp(doc->s + b, "”", 3) || !strncmp(doc->s + b, "’", 3)))
                b += 3;
            break;
        }
    }
    *start = a;
    *end = b;
}
