/* outfile.c - temporary file, fsync, rename. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The stream's buffer: the CSV of 10,000 articles is 94 MB, which stdio's
 * own 4 KiB buffer wrote in 23,000 calls. */
#define OUTFILE_BUFFER ((size_t)256 << 10)

ls_error outfile_open(outfile *of, const char *path, int open_stream)
{
    const char *slash = strrchr(path, '/');
    int fd;

    memset(of, 0, sizeof(*of));
    of->path = xstrdup(path);
    if (slash)
        of->tmp = xstrfmt("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        of->tmp = xstrfmt(".%s.XXXXXX", path);
    fd = mkstemp(of->tmp);
    if (fd < 0) {
        error("cannot write '%s': %s", path, strerror(errno));
        free(of->tmp);
        of->tmp = NULL;
        outfile_abort(of);
        return LS_ERR_IO;
    }
    fchmod(fd, 0644);
    if (open_stream) {
        of->fp = fdopen(fd, "wb");
        if (!of->fp) {
            close(fd);
            error("cannot write '%s': %s", path, strerror(errno));
            outfile_abort(of);
            return LS_ERR_IO;
        }
        of->buf = stream_buffer(of->fp, OUTFILE_BUFFER);
    } else {
        close(fd);
    }
    return LS_OK;
}

ls_error outfile_commit(outfile *of)
{
    int fd, failed = 0, saved = 0;

    if (of->fp) {
        if (fflush(of->fp) || ferror(of->fp))
            failed = 1, saved = errno;
        if (!failed && !of->nosync && fsync(fileno(of->fp)))
            failed = 1, saved = errno;
        if (fclose(of->fp) && !failed)
            failed = 1, saved = errno;
        of->fp = NULL;
        free(of->buf);
        of->buf = NULL;
    } else {
        fd = open(of->tmp, O_RDONLY);
        if (fd < 0 || (!of->nosync && fsync(fd)))
            failed = 1, saved = errno;
        if (fd >= 0)
            close(fd);
    }
    if (!failed && rename(of->tmp, of->path))
        failed = 1, saved = errno;
    if (failed) {
        error("cannot write '%s': %s", of->path, strerror(saved ? saved : EIO));
        outfile_abort(of);
        return LS_ERR_IO;
    }
    /* make the rename itself durable */
    if (!of->nosync) {
        char *dir = path_dir(of->path);
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(of->tmp);
    of->tmp = NULL;
    outfile_abort(of);
    return LS_OK;
}

void outfile_abort(outfile *of)
{
    if (of->fp)
        fclose(of->fp);
    free(of->buf);
    if (of->tmp)
        unlink(of->tmp);
    free(of->tmp);
    free(of->path);
    memset(of, 0, sizeof(*of));
}

ls_error outfile_write(const char *path, const void *data, size_t len)
{
    outfile of;
    if (outfile_open(&of, path, 1) != LS_OK)
        return LS_ERR_IO;
    if (fwrite(data, 1, len, of.fp) != len) {
        error("cannot write '%s': %s", of.tmp, strerror(errno));
        outfile_abort(&of);
        return LS_ERR_IO;
    }
    return outfile_commit(&of);
}

ls_error outfile_backup(const char *path)
{
    char *data, *bak;
    size_t len;
    ls_error err;

    if (read_file(path, &data, &len) != LS_OK)
        return LS_OK; /* nothing to keep */
    bak = xstrfmt("%s.bak", path);
    err = outfile_write(bak, data, len);
    free(bak);
    free(data);
    return err;
}
