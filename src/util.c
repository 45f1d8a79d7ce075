/* util.c - errors, allocation, strbuf, UTF-8 helpers. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

int ls_verbosity = 1;

static const char *const ls_error_str[LS_ERR_MAX] = {
    [LS_OK] = "no error",
    [LS_ERR_NOMEM] = "out of memory",
    [LS_ERR_IO] = "input/output error",
    [LS_ERR_EMPTY] = "empty file",
    [LS_ERR_BINARY] = "not a text file",
    [LS_ERR_ENCODING] = "unknown or broken text encoding",
    [LS_ERR_TOO_LARGE] = "file too large",
    [LS_ERR_TEMPLATE] = "malformed template",
    [LS_ERR_REGEX] = "bad pattern",
    [LS_ERR_OPENCC] = "OpenCC configuration not found",
    [LS_ERR_XLSX] = "workbook could not be written",
    [LS_ERR_LOCKED] = "another run holds the lock",
    [LS_ERR_USAGE] = "usage error",
    [LS_ERR_WORKBOOK] = "saved workbook could not be read",
};

const char *ls_strerror(ls_error err)
{
    if ((unsigned)err >= LS_ERR_MAX)
        return "unknown error";
    return ls_error_str[err];
}

static _Thread_local strbuf *capture;

void ls_capture(strbuf *sink)
{
    capture = sink;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    if (capture) {
        va_list aq;
        int n;
        va_copy(aq, ap);
        n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        sb_addf(capture, "locstat: %s", prefix);
        sb_grow(capture, n < 0 ? 0 : (size_t)n + 1);
        if (n > 0)
            vsnprintf(capture->buf + capture->len, (size_t)n + 1, fmt, ap);
        capture->len += n > 0 ? (size_t)n : 0;
        sb_addch(capture, '\n');
        return;
    }
    fputs("locstat: ", stderr);
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
    va_list ap;
    if (ls_verbosity < 0) /* fuzzers */
        return -1;
    va_start(ap, fmt);
    vreport("error: ", fmt, ap);
    va_end(ap);
    return -1;
}

void warning(const char *fmt, ...)
{
    va_list ap;
    if (ls_verbosity < 1)
        return;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void info(const char *fmt, ...)
{
    va_list ap;
    if (ls_verbosity < 2)
        return;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void die(const char *fmt, ...)
{
    va_list ap;
    capture = NULL; /* the process ends: say why now */
    va_start(ap, fmt);
    vreport("fatal: ", fmt, ap);
    va_end(ap);
    exit(3);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory allocating %zu bytes", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory allocating %zu bytes", n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == path)
        return xstrdup("/");
    return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

char *xstrfmt(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    char tmp[256];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        die("bad format '%s'", fmt);
    if ((size_t)n < sizeof(tmp))
        return xstrndup(tmp, (size_t)n);
    sb_grow(&sb, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return sb.buf;
}

void sb_init(strbuf *sb)
{
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
}

void sb_release(strbuf *sb)
{
    free(sb->buf);
    sb_init(sb);
}

void sb_grow(strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return;
    if (sb->alloc < 64)
        sb->alloc = 64;
    while (sb->alloc < need)
        sb->alloc *= 2;
    sb->buf = xrealloc(sb->buf, sb->alloc);
}

void sb_add(strbuf *sb, const void *data, size_t len)
{
    sb_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void sb_addstr(strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_addch(strbuf *sb, int c)
{
    char ch = (char)c;
    sb_add(sb, &ch, 1);
}

void sb_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    sb_grow(sb, 64);
    va_start(ap, fmt);
    n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("bad format '%s'", fmt);
    if ((size_t)n >= sb->alloc - sb->len) {
        sb_grow(sb, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
        va_end(ap);
    }
    sb->len += (size_t)n;
}

char *sb_detach(strbuf *sb, size_t *len)
{
    char *p;
    if (!sb->buf)
        sb_grow(sb, 0), sb->buf[0] = '\0';
    /* what is kept is kept long (an indicator, a warning): without the
     * room left to grow, a run holds a fifth less */
    p = sb->alloc > sb->len + 1 ? xrealloc(sb->buf, sb->len + 1) : sb->buf;
    if (len)
        *len = sb->len;
    sb_init(sb);
    return p;
}

ls_error read_fd(int fd, const struct stat *st, char **data, size_t *len)
{
    int regular = S_ISREG(st->st_mode);
    strbuf sb = STRBUF_INIT;

    sb_grow(&sb, regular ? (size_t)st->st_size + 1 : 4096);
    for (;;) {
        ssize_t got;
        if (sb.alloc - sb.len < 2) /* full (a pipe, or a file that grew) */
            sb_grow(&sb, 65536);
        got = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int saved = errno;
            sb_release(&sb);
            errno = saved;
            return LS_ERR_IO;
        }
        sb.len += (size_t)got;
        /* at its end, or at the size fstat gave: a file still being
         * written is read as it was then (its next stat differs) */
        if (got == 0 || (regular && sb.len == (size_t)st->st_size))
            break;
    }
    sb.buf[sb.len] = '\0';
    *data = sb_detach(&sb, len);
    return LS_OK;
}

ls_error read_file(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
    struct stat st;
    ls_error err;

    if (fd < 0)
        return LS_ERR_IO;
    err = fstat(fd, &st) ? LS_ERR_IO : read_fd(fd, &st, data, len);
    saved = errno;
    close(fd);
    errno = saved;
    return err;
}

char *stream_buffer(FILE *f, size_t size)
{
    char *buf = malloc(size);
    if (buf && setvbuf(f, buf, _IOFBF, size)) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

int strv_cmp_longest(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

static void hex128(XXH128_hash_t h, char hex[33])
{
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

void hash_hex(const void *data, size_t len, char hex[33])
{
    hex128(XXH3_128bits(data, len), hex);
}

ls_error hash_file_hex(const char *path, char hex[33])
{
    enum { PIECE = 1 << 20 };
    FILE *f = fopen(path, "rb");
    XXH3_state_t *st = XXH3_createState();
    char *buf = malloc(PIECE);
    ls_error err = LS_ERR_IO;
    size_t n;

    if (!f || !st || !buf || XXH3_128bits_reset(st) != XXH_OK)
        goto out;
    while ((n = fread(buf, 1, PIECE, f)) > 0)
        XXH3_128bits_update(st, buf, n);
    if (!ferror(f)) {
        hex128(XXH3_128bits_digest(st), hex);
        err = LS_OK;
    }
out:
    free(buf);
    XXH3_freeState(st);
    if (f)
        fclose(f);
    return err;
}

static size_t utf8_check_bytes(const unsigned char *p, size_t len, size_t *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            /* ASCII runs eight bytes at a time: every article is checked */
            uint64_t w;
            i++;
            while (i + 8 <= len && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080ULL)))
                i += 8;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEF && c != 0xED && i + 3 <= len) {
            /* most Han characters: three bytes, no overlong form or
             * surrogate to rule out (those start E0 and ED) */
            if ((p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80)
                goto invalid;
            i += 3;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4;
        else
            goto invalid;
        if (i + n > len)
            return i; /* truncated at the end */
        for (size_t k = 1; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                goto invalid;
        cp = utf8_decode((const char *)p + i, NULL);
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            goto invalid;
        i += n;
        continue;
    invalid:
        (*bad)++;
        return i;
    }
    return i;
}


size_t utf8_check(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    return utf8_check_bytes(p, len, bad);
}

int utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0, i = 0;
    /* eight bytes at a time: every line and piece is counted, and the
     * byte loop was 2% of the pipeline. A continuation byte is 10xxxxxx:
     * bit 7 set where bit 6, shifted onto it, is not. */
    for (; i + 8 <= len; i += 8) {
        uint64_t w, cont;
        memcpy(&w, s + i, sizeof(w));
        cont = (w & ~(w << 1) & 0x8080808080808080ULL) >> 7;
        n += 8 - (size_t)((cont * 0x0101010101010101ULL) >> 56);
    }
    for (; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

size_t utf8_prev(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

void format_decimal(double v, char *out, size_t size)
{
    char *p;
    /* most figures are whole, and written for every figure's CSV row and
     * state key: their digits by hand, as "%lld" would write them */
    if (v > -1e15 && v < 1e15 && v == (double)(long long)v && !(v == 0 && signbit(v)) &&
        size > 17) {
        long long n = (long long)v;
        unsigned long long u = n < 0 ? (unsigned long long)-n : (unsigned long long)n;
        char digits[20];
        int k = 0;
        do
            digits[k++] = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        p = out;
        if (n < 0)
            *p++ = '-';
        while (k)
            *p++ = digits[--k];
        *p = '\0';
        return;
    }
    snprintf(out, size, "%.6f", v);
    p = strchr(out, '.');
    if (!p)
        return;
    p += strlen(p) - 1;
    while (*p == '0')
        *p-- = '\0';
    if (*p == '.')
        *p = '\0';
}

/* The slot of @p cp: its own, or the empty one where it would go. */
static size_t word_slot_of(const word_index *wi, uint32_t cp)
{
    size_t i = (cp * 2654435761u) & wi->mask;
    while (wi->slot[i].n && wi->slot[i].cp != cp)
        i = (i + 1) & wi->mask;
    return i;
}

void word_index_init(word_index *wi, char *const *words, size_t n)
{
    size_t size = 16, at = 0;

    memset(wi, 0, sizeof(*wi));
    while (size < 2 * n + 2)
        size *= 2;
    wi->mask = size - 1;
    wi->slot = xcalloc(size, sizeof(*wi->slot));
    wi->idx = xcalloc(n + 1, sizeof(*wi->idx));
    wi->len = xcalloc(n + 1, sizeof(*wi->len));
    /* count each first character's words, then lay the groups out */
    for (size_t k = 0; k < n; k++) {
        uint32_t cp;
        wi->len[k] = strlen(words[k]);
        if (!wi->len[k])
            continue;
        cp = utf8_decode(words[k], NULL);
        wi->slot[word_slot_of(wi, cp)].cp = cp;
        wi->slot[word_slot_of(wi, cp)].n++;
        if (cp < 65536)
            wi->bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
    }
    for (size_t i = 0; i < size; i++) {
        wi->slot[i].at = (uint32_t)at;
        at += wi->slot[i].n;
    }
    {
        uint32_t *filled = xcalloc(size, sizeof(*filled));
        for (size_t k = 0; k < n; k++) {
            size_t i;
            if (!wi->len[k])
                continue;
            i = word_slot_of(wi, utf8_decode(words[k], NULL));
            wi->idx[wi->slot[i].at + filled[i]++] = (uint32_t)k;
        }
        free(filled);
    }
}

void word_index_release(word_index *wi)
{
    free(wi->slot);
    free(wi->idx);
    free(wi->len);
    wi->slot = NULL;
    wi->idx = NULL;
    wi->len = NULL;
}

const uint32_t *word_index_slot(const word_index *wi, uint32_t cp, size_t *n)
{
    size_t i;
    *n = 0;
    if (!wi->slot)
        return NULL;
    i = word_slot_of(wi, cp);
    *n = wi->slot[i].n;
    return wi->idx + wi->slot[i].at;
}
