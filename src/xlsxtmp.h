/*
 * xlsxtmp.h - libxlsxwriter's temporary files, read and written in large
 * pieces.
 *
 * In constant-memory mode libxlsxwriter 1.1.4 streams each sheet's rows to
 * a temporary file, copies it into another when the workbook is closed and
 * reads that into the package: the sheet XML (267 MB for 10,000 articles)
 * goes through stdio three times, in the file system's 4 KiB blocks, some
 * 200,000 read and write calls. Its temporary files all come from
 * lxw_tmpfile, which it calls through the dynamic linker (as zipdeflate.h
 * explains for minizip's calls), so the definition here is found first:
 * it opens the file as libxlsxwriter would and gives the stream a larger
 * buffer before anything is written. Where libxlsxwriter is linked
 * statically none of this is called, and the workbook is the same.
 */
#ifndef LS_XLSXTMP_H
#define LS_XLSXTMP_H

#include <stddef.h>

/**
 * Until xt_end(), give the temporary files libxlsxwriter opens stdio
 * buffers of @p bytes. Call it before workbook_new_opt.
 */
void xt_begin(size_t bytes);

/**
 * Free the buffers: call it once libxlsxwriter has closed its files
 * (after workbook_close). Later files get stdio's own buffers.
 */
void xt_end(void);

#endif
