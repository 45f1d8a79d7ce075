/* corpus.c - listing and reading articles. */
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void add_entry(corpus *c, const char *path, const char *name)
{
    ALLOC_GROW(c->v, c->n + 1, c->alloc);
    c->v[c->n].path = xstrdup(path);
    c->v[c->n].name = xstrdup(name);
    c->n++;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

int corpus_add(corpus *c, const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;

    if (stat(path, &st) < 0) {
        if (errno == ELOOP || errno == ENOENT) {
            struct stat lst;
            if (lstat(path, &lst) == 0) {
                /* a dangling link or a link loop: still an article slot */
                const char *slash = strrchr(path, '/');
                add_entry(c, path, slash ? slash + 1 : path);
                return 0;
            }
        }
        return error("cannot read '%s': %s", path, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        const char *slash = strrchr(path, '/');
        add_entry(c, path, slash ? slash + 1 : path);
        return 0;
    }
    d = opendir(path);
    if (!d)
        return error("cannot open directory '%s': %s", path, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        char *full;
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".txt"))
            continue;
        full = xstrfmt("%s%s%s", path, has_suffix(path, "/") ? "" : "/", de->d_name);
        add_entry(c, full, de->d_name);
        free(full);
    }
    closedir(d);
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    const corpus_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->path, y->path);
}

void corpus_sort(corpus *c)
{
    if (c->n)
        qsort(c->v, c->n, sizeof(*c->v), entry_cmp);
}

void corpus_release(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].path);
        free(c->v[i].name);
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
}

/* What makes @p st no article: nonzero, with the reason in @p why. */
static ls_error refuse(const struct stat *st, size_t max_bytes, strbuf *why)
{
    if (S_ISDIR(st->st_mode)) {
        sb_addstr(why, "is a directory, not an article");
        return LS_ERR_IO;
    }
    if (!S_ISREG(st->st_mode)) {
        sb_addstr(why, "not a regular file");
        return LS_ERR_IO;
    }
    if ((size_t)st->st_size > max_bytes) {
        sb_addf(why, "%lld bytes, over the limit of %zu (see --max-size)",
                (long long)st->st_size, max_bytes);
        return LS_ERR_TOO_LARGE;
    }
    return LS_OK;
}

ls_error corpus_stat(const corpus_entry *e, size_t max_bytes, struct stat *st, strbuf *why)
{
    if (stat(e->path, st) < 0) {
        sb_addf(why, "%s", strerror(errno));
        return LS_ERR_IO;
    }
    return refuse(st, max_bytes, why);
}

ls_error corpus_read(const corpus_entry *e, size_t max_bytes, char **data, size_t *len,
                     struct stat *st, strbuf *why)
{
    /* O_NONBLOCK: a FIFO named x.txt is refused below, not waited on */
    int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    ls_error err;

    if (fd < 0 || fstat(fd, st) < 0) {
        sb_addf(why, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return LS_ERR_IO;
    }
    if ((err = refuse(st, max_bytes, why))) {
        close(fd);
        return err;
    }
    if (read_fd(fd, st, data, len)) {
        sb_addf(why, "%s", strerror(errno));
        close(fd);
        return LS_ERR_IO;
    }
    close(fd);
    return LS_OK;
}
