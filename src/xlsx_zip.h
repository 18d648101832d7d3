/* xlsx_zip.h — the deflate level of the workbooks admit writes (results.xlsx and every
 * workbook of admit.xlsx): see xlsx_zip.c for how it reaches libxlsxwriter. */
#ifndef ADMIT_XLSX_ZIP_H
#define ADMIT_XLSX_ZIP_H

/* zlib's fastest level: deflate of a sheet's XML about four times faster than the default
 * (6), the file about a third larger. */
#define XLSX_ZIP_LEVEL 1

/* The level used: ADMIT_XLSX_DEFLATE when it is one digit (0 stored, 1 fastest .. 9
 * smallest; 6 gives zlib's default), else XLSX_ZIP_LEVEL. */
int xlsx_zip_level(void);

#endif
