/*
 * convert.c - OpenCC script conversion with a memo; see convert.h.
 *
 * OpenCC (MaxMatchSegmentation, then Conversion over a dictionary group)
 * walks a text left to right: where a key of the segmentation dictionary
 * starts, the longest such key is one piece; every other character is
 * looked up alone, and no key starts there, so its output does not depend
 * on its neighbours. Doing the same walk with the key list and asking
 * OpenCC for each distinct piece once gives its output byte for byte.
 */
#include "convert.h"

#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tmpl.h"

/* A memo slot per BMP code point: the converted bytes and their length
 * (0 = not asked yet). Characters outside the BMP, rare in news, and
 * outputs that do not fit go to OpenCC every time. */
#define MEMO_CHARS 0x10000
#define MEMO_BYTES 7

struct cv_phrases {
    char *data;      /* the keys, NUL-separated */
    const char **key;
    size_t *klen;
    uint32_t *first; /* the first code point of each key, ascending */
    size_t n;
    uint8_t filter[MEMO_CHARS / 8]; /* a key starts with (cp & 0xFFFF) */
    uint8_t single[MEMO_CHARS / 8]; /* a key is (cp & 0xFFFF) alone */
    /* s2t has 49,000 keys, hundreds of them for a common first character
     * (一, 人): their first two characters pass over most places without
     * comparing them one by one */
    uint8_t pairs[PAIR_FILTER_BYTES]; /* a longer key starts with this pair */
};

struct cv_conv {
    opencc_t cc;
    const cv_phrases *ph;
    size_t nphrases;
    struct {
        uint8_t len;
        char out[MEMO_BYTES];
    } *memo;
    char **phrase_out; /* OpenCC's output for each key, on first need */
};

typedef struct {
    const char *key;
    size_t len;
    uint32_t first;
} key_entry;

/* By first code point, then longest first: the first key that matches at a
 * position is the longest, as OpenCC's MatchPrefix takes. */
static int key_cmp(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Is the installed @p file what the list was made from? */
static int same_file(const char *datadir, const char *file, const char *size, const char *crc)
{
    char *path = xstrfmt("%s/%s", datadir, file), *data = NULL, buf[32];
    size_t len = 0;
    int same = 0;

    if (read_file(path, &data, &len) == LS_OK) {
        snprintf(buf, sizeof(buf), "%zu", len);
        if (!strcmp(buf, size)) {
            snprintf(buf, sizeof(buf), "%08lx", crc32(0L, (const Bytef *)data, (uInt)len));
            same = !strcmp(buf, crc);
        }
    }
    free(data);
    free(path);
    return same;
}

void cv_phrases_free(cv_phrases *ph)
{
    if (!ph)
        return;
    free(ph->data);
    free(ph->key);
    free(ph->klen);
    free(ph->first);
    free(ph);
}

ls_error cv_phrases_load(cv_phrases **out, const char *tdir, const char *name,
                         const char *datadir)
{
    tmpl_file tf;
    cv_phrases *ph = NULL;
    key_entry *keys = NULL;
    size_t nkeys = 0, bytes = 0, nfiles = 0, at = 0;
    const char *changed = NULL;
    ls_error err;
    char *path;

    *out = NULL;
    path = xstrfmt("%s/%s", tdir, name);
    if (access(path, F_OK)) { /* optional: without it, whole texts */
        free(path);
        return LS_OK;
    }
    free(path);
    err = tmpl_load(&tf, tdir, name, 2);
    if (err)
        goto done;
    keys = xcalloc(tf.nrows + 1, sizeof(*keys));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        if (!strcmp(row->field[0], "file")) {
            if (row->nfield < 4) {
                err = tmpl_error(&tf, row, "a 'file' line needs a name, a size and a CRC-32");
                goto done;
            }
            nfiles++;
            if (!changed && !same_file(datadir, row->field[1], row->field[2], row->field[3]))
                changed = row->field[1];
        } else if (!strcmp(row->field[0], "phrase")) {
            int k;
            uint32_t cp = utf8_decode(row->field[1], &k);
            size_t bad;
            size_t len = strlen(row->field[1]);
            if (!len || utf8_check(row->field[1], len, &bad) != len || k <= 0) {
                err = tmpl_error(&tf, row, "a phrase must be UTF-8 text");
                goto done;
            }
            keys[nkeys].key = row->field[1];
            keys[nkeys].len = len;
            keys[nkeys].first = cp;
            nkeys++;
            bytes += len + 1;
        } else {
            err = tmpl_error(&tf, row, "unknown line kind '%s' (file, phrase)", row->field[0]);
            goto done;
        }
    }
    if (!nfiles) {
        error("%s: no 'file' line, so it cannot tell which OpenCC it was made from", tf.path);
        err = LS_ERR_TEMPLATE;
        goto done;
    }
    if (changed) {
        warning("%s was made from another OpenCC (%s/%s differs): texts are converted "
                "whole, which is slower; regenerate it with templates/opencc-phrases.sh",
                tf.path, datadir, changed);
        goto done;
    }
    qsort(keys, nkeys, sizeof(*keys), key_cmp);
    ph = xcalloc(1, sizeof(*ph));
    ph->data = xmalloc(bytes + 1);
    ph->key = xcalloc(nkeys + 1, sizeof(*ph->key));
    ph->klen = xcalloc(nkeys + 1, sizeof(*ph->klen));
    ph->first = xcalloc(nkeys + 1, sizeof(*ph->first));
    for (size_t i = 0; i < nkeys; i++) {
        memcpy(ph->data + at, keys[i].key, keys[i].len + 1);
        ph->key[i] = ph->data + at;
        ph->klen[i] = keys[i].len;
        ph->first[i] = keys[i].first;
        ph->filter[(keys[i].first & 0xFFFF) >> 3] |= (uint8_t)(1u << (keys[i].first & 7));
        {
            int k1, k2;
            utf8_decode(keys[i].key, &k1);
            if ((size_t)k1 >= keys[i].len) {
                ph->single[(keys[i].first & 0xFFFF) >> 3] |= (uint8_t)(1u << (keys[i].first & 7));
            } else {
                pair_set(ph->pairs, keys[i].first, utf8_decode(keys[i].key + k1, &k2));
            }
        }
        at += keys[i].len + 1;
    }
    ph->n = nkeys;
    *out = ph;
done:
    free(keys);
    tmpl_release(&tf);
    return err;
}

cv_conv *cv_open(const char *config, const cv_phrases *ph)
{
    cv_conv *c;
    opencc_t cc = opencc_open(config);

    if (cc == (opencc_t)-1)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->cc = cc;
    c->ph = ph;
    if (ph) {
        c->memo = xcalloc(MEMO_CHARS, sizeof(*c->memo));
        c->phrase_out = xcalloc(ph->n + 1, sizeof(*c->phrase_out));
        c->nphrases = ph->n;
    }
    return c;
}

void cv_free(cv_conv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nphrases; i++)
        free(c->phrase_out[i]);
    free(c->phrase_out);
    free(c->memo);
    opencc_close(c->cc);
    free(c);
}

const char *cv_error(void)
{
    return opencc_error();
}

int cv_memoised(const cv_conv *c)
{
    return c && c->ph;
}

/* OpenCC's output for s[0..len), as a malloc'd string. */
static char *whole(cv_conv *c, const char *s, size_t len, size_t *olen)
{
    char *o = opencc_convert_utf8(c->cc, s, len), *copy;
    if (!o)
        return NULL;
    *olen = strlen(o);
    copy = xmalloc(*olen + 1);
    memcpy(copy, o, *olen + 1);
    opencc_convert_utf8_free(o);
    return copy;
}

/* The longest key that starts s[0..len), or -1. */
static long phrase_at(const cv_phrases *ph, uint32_t cp, const char *s, size_t len)
{
    size_t lo = 0, hi = ph->n;
    if (!(ph->filter[(cp & 0xFFFF) >> 3] & (1u << (cp & 7))))
        return -1;
    {
        /* a key of two characters or more starts with the pair here, or
         * only a key of this one character can */
        int k1, k2;
        int longer = 0;
        utf8_decode(s, &k1);
        if ((size_t)k1 < len) {
            longer = pair_test(ph->pairs, cp, utf8_decode(s + k1, &k2)) != 0;
        }
        if (!longer && !(ph->single[(cp & 0xFFFF) >> 3] & (1u << (cp & 7))))
            return -1;
    }
    while (lo < hi) { /* the first key with this first code point */
        size_t mid = (lo + hi) / 2;
        if (ph->first[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < ph->n && ph->first[i] == cp; i++)
        if (ph->klen[i] <= len && !memcmp(ph->key[i], s, ph->klen[i]))
            return (long)i;
    return -1;
}

/* Append OpenCC's output for one piece s[0..n) to @p out; 0 if it failed. */
static int piece(cv_conv *c, strbuf *out, const char *s, size_t n)
{
    size_t olen;
    char *o = whole(c, s, n, &olen);
    if (!o)
        return 0;
    sb_add(out, o, olen);
    free(o);
    return 1;
}

char *cv_convert(cv_conv *c, const char *s, size_t len, size_t *olen)
{
    strbuf out;
    size_t bad;

    len = strnlen(s, len); /* OpenCC stops at a NUL */
    if (!c->ph || utf8_check(s, len, &bad) != len) /* not UTF-8: OpenCC decides */
        return whole(c, s, len, olen);
    sb_init(&out);
    sb_grow(&out, len);
    for (size_t i = 0; i < len;) {
        int k;
        uint32_t cp = utf8_decode(s + i, &k);
        long p;

        p = phrase_at(c->ph, cp, s + i, len - i);
        if (p >= 0) {
            if (!c->phrase_out[p]) {
                size_t n;
                c->phrase_out[p] = whole(c, c->ph->key[p], c->ph->klen[p], &n);
                if (!c->phrase_out[p])
                    goto fail;
            }
            sb_addstr(&out, c->phrase_out[p]);
            i += c->ph->klen[p];
            continue;
        }
        if (cp < MEMO_CHARS) {
            if (!c->memo[cp].len) {
                size_t n;
                char *o = whole(c, s + i, (size_t)k, &n);
                if (!o)
                    goto fail;
                if (n && n <= MEMO_BYTES) {
                    memcpy(c->memo[cp].out, o, n);
                    c->memo[cp].len = (uint8_t)n;
                }
                sb_add(&out, o, n);
                free(o);
            } else {
                sb_add(&out, c->memo[cp].out, c->memo[cp].len);
            }
        } else if (!piece(c, &out, s + i, (size_t)k)) {
            goto fail;
        }
        i += (size_t)k;
    }
    return sb_detach(&out, olen);
fail:
    sb_release(&out);
    return NULL;
}
