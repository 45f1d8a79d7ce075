/*
 * zipdeflate.h - the workbook's parts deflated in pieces, on threads.
 *
 * libxlsxwriter 1.1.4 writes its package with minizip, which deflates each
 * part on the calling thread at zlib's default level; libxlsxwriter has no
 * setting for either. Debian builds it against the shared libminizip, so
 * its calls resolve through the dynamic linker, which finds this module's
 * zipOpenNewFileInZip4_64, zipWriteInFileInZip and zipCloseFileInZip in
 * the executable first. They cut each part into pieces of ZD_PIECE bytes,
 * deflate each at level 1 primed with the 32 KiB before it and flushed to
 * a byte boundary (so that the pieces join into one deflate stream, as in
 * pigz), and hand minizip the compressed bytes in order as a raw entry.
 * The pieces are deflated on worker threads while libxlsxwriter goes on
 * reading its files; the bytes depend on the pieces, never on the threads.
 *
 * Where libxlsxwriter carries its own minizip none of this is called, and
 * the workbook is the same, only larger and slower to write.
 */
#ifndef LS_ZIPDEFLATE_H
#define LS_ZIPDEFLATE_H

/** Bytes of a part deflated as one piece. */
#define ZD_PIECE (1u << 20)

/**
 * Until zd_end(), deflate pieces on @p threads worker threads beside the
 * one writing the package (0: on the writing thread itself). Threads that
 * cannot be started are done without.
 */
void zd_begin(int threads);

/** Stop the workers and give back the pieces' buffers. */
void zd_end(void);

#endif
